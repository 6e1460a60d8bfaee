# CPU-size few-shot linear evaluation on the demo classes: 2 training
# images per class (FewShotDataset), the Flowers-102 protocol in miniature.
_base_ = 'resnet18_linear_demo.py'

train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='FewShotDataset',
        shots=2,
        seed=0,
        dataset=_base_.train_dataloader.dataset,
    )
)
