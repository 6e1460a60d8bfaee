"""The files the project reads and writes, one module per format: a
training checkpoint entering the project (``checkpoint``), the
backbone-only checkpoint for transfer (``backbone_ckpt``), the score
statistics (``score_csv``) and what a finished run left in its work dir
(``run_results``)."""
