# CPU-size LooC++ (concatenated spaces downstream) on the demo data.
_base_ = 'looc_demo.py'

model = dict(representation='concat')
