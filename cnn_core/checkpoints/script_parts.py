"""The parts of an exported training script after its settings and model class: data, loop,
main. Each returns source text; :mod:`.script_export` chooses and assembles them.

The code they write is what :mod:`cnn_core.training` does, said the way the tutorials say it;
every random draw is made in the same order as DigitLab's, so a script repeats its run.
"""

from __future__ import annotations

__all__ = ["ema_source", "loop_source", "main_source", "optimizer_source", "schedule_source"]

_OPTIMIZER_CALLS = {
    "sgd": "torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM,\n"
           "                                weight_decay=WEIGHT_DECAY)",
    "adam": "torch.optim.Adam(model.parameters(), lr=LR, betas=BETAS,\n"
            "                                 weight_decay=WEIGHT_DECAY)",
    "adamw": "torch.optim.AdamW(model.parameters(), lr=LR, betas=BETAS,\n"
             "                                  weight_decay=WEIGHT_DECAY)",
}

_SCHEDULERS = {  # name: (constructor, steps after every batch)
    "onecycle": ("torch.optim.lr_scheduler.OneCycleLR(\n"
                 "            optimizer, max_lr=LR, total_steps=total_steps,\n"
                 "            pct_start=min(0.5, max(0.25, 2.0 / total_steps)),\n"
                 "            cycle_momentum=False)  # keep the optimizer's own momentum / betas",
                 True),
    "cosine": ("torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total_steps)", True),
    "step": ("torch.optim.lr_scheduler.StepLR(optimizer, step_size=max(1, epochs // 3),\n"
             "                                                    gamma=0.1)", False),
}

_SCHEDULE_NOTES = {
    "onecycle": "one cycle: the rate warms up to LR, then anneals to almost 0",
    "cosine": "the rate anneals from LR to 0 along a half cosine",
    "step": "the rate is divided by 10 every third of the epochs",
}


def optimizer_source(name: str) -> str:
    """``optimizer = ...`` for ``sgd``, ``adam`` or ``adamw``."""
    return f"    optimizer = {_OPTIMIZER_CALLS[name]}"


def schedule_source(name: str) -> tuple[str, bool] | None:
    """The scheduler's set-up and whether it steps after every batch (else every epoch);
    ``None`` for a constant rate."""
    if name not in _SCHEDULERS:
        return None
    call, per_batch = _SCHEDULERS[name]
    setup = (f"    # {_SCHEDULE_NOTES[name]}\n"
             "    total_steps = epochs * steps_per_epoch\n"
             "    scheduler = None  # a run of under 4 steps keeps its rate, as DigitLab does\n"
             "    if total_steps >= 4:\n"
             f"        scheduler = {call}")
    return setup, per_batch


def ema_source() -> str:
    """The moving average of the weights (DigitLab's ``WeightAverage``)."""
    return '''

@torch.no_grad()
def update_average(average, model, step):
    """Fold the model's weights into their moving average after training step ``step``;
    the decay ramps up as (1 + step) / (10 + step) until it reaches EMA_DECAY."""
    decay = min(EMA_DECAY, (1 + step) / (10 + step))
    pairs = zip(average.state_dict().values(), model.state_dict().values(), strict=True)
    for mean, weight in pairs:
        if mean.is_floating_point():
            mean.lerp_(weight, 1.0 - decay)
        else:
            mean.copy_(weight)  # e.g. BatchNorm's count of batches
'''


def _data_source(dataset_class: str, transposed: bool, validation: bool) -> str:
    split = ', split="digits"' if dataset_class == "EMNIST" else ""
    fix = ("    # EMNIST's files hold each image transposed\n"
           "    train.data, test.data = train.data.transpose(1, 2), test.data.transpose(1, 2)\n"
           if transposed else "")
    if validation:
        what, how = "training, validation and test", (
            "VAL_SIZE training images (at most a tenth), drawn with SPLIT_SEED, are held out "
            "for\n    validation; the others keep their order, and training uses the first "
            "TRAIN_SAMPLES.")
        pick = """    images, labels = train.data, train.targets
    size = min(VAL_SIZE, len(labels) // 10)
    order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(SPLIT_SEED))
    held, rest = order[:size], order[size:].sort().values[:TRAIN_SAMPLES]
    return ((images[rest].to(device), labels[rest].to(device)),
            (images[held].to(device), labels[held].to(device)),"""
    else:
        what, how = "training and test", "Training uses the first TRAIN_SAMPLES training images."
        pick = """    images, labels = train.data[:TRAIN_SAMPLES], train.targets[:TRAIN_SAMPLES]
    return ((images.to(device), labels.to(device)),"""
    return f'''def load_data(root, device):
    """The {what} images (uint8, N×28×28) and labels, on ``device``.

    {how}
    """
    try:
        train = datasets.{dataset_class}(root, train=True, download=False{split})
        test = datasets.{dataset_class}(root, train=False, download=False{split})
    except RuntimeError as exc:  # torchvision's "Dataset not found"
        raise SystemExit(f"{{exc}}\\nPut the {dataset_class} files in "
                         f"{{root}}/{dataset_class}/raw (or fetch them once with "
                         f"torchvision.datasets.{dataset_class}({{root!r}}, download=True))"
                         ) from None
{fix}{pick}
            (test.data[:TEST_SAMPLES].to(device), test.targets[:TEST_SAMPLES].to(device)))
'''


def _batch_source(augment: bool) -> str:
    flag, doc, draw = ("", "", "")
    if augment:
        flag, doc = ", augment=False", ",\n    randomly distorted if ``augment``"
        draw = "    if augment:\n        X = torch.stack([AUGMENT(image) for image in X])\n"
    return f'''def prepare(images{flag}):
    """uint8 images [B, 28, 28] → normalised float [B, 1, 28, 28]{doc}."""
    X = images.unsqueeze(1).float() / 255
{draw}    X = (X - MEAN) / STD
    return X.contiguous(memory_format=torch.channels_last) if CHANNELS_LAST else X


def batches(images, labels, steps, generator):
    """One epoch: ``steps`` mini-batches (X, y) in a fresh random order."""
    order = torch.randperm(len(labels), device=labels.device, generator=generator)
    for step in range(steps):
        idx = order[step * BATCH_SIZE:(step + 1) * BATCH_SIZE]
        yield prepare(images[idx]{", augment=True" if augment else ""}), labels[idx]


@torch.no_grad()
def evaluate(model, images, labels):
    """Mean loss and accuracy on a whole split, 1,000 images at a time."""
    model.eval()
    loss, correct = 0.0, 0
    for start in range(0, len(labels), 1000):
        X, y = prepare(images[start:start + 1000]), labels[start:start + 1000]
        y_hat = model(X)
        loss += F.cross_entropy(y_hat, y, reduction="sum").item()
        correct += (y_hat.argmax(1) == y).sum().item()
    return loss / len(labels), correct / len(labels)
'''


def loop_source(dataset_class: str, transposed: bool, *, augment: bool, validation: bool,
                optimizer: str, schedule: tuple[str, bool] | None, ema: str | None,
                target: bool, bf16: bool = False) -> str:
    """``load_data``, ``prepare``, ``batches``, ``evaluate`` and ``train``.

    ``schedule`` is :func:`schedule_source`'s answer, ``ema`` :func:`ema_source`'s (or
    ``None``); ``target`` stops at ``TARGET_ACCURACY`` (validation accuracy); ``bf16`` runs
    the training steps' forward passes in bfloat16 under ``torch.autocast``.
    """
    data = _data_source(dataset_class, transposed, validation)
    splits = ("(train_x, train_y), (val_x, val_y), (test_x, test_y)" if validation
              else "(train_x, train_y), (test_x, test_y)")
    evaluated = "average" if ema else "model"
    lines = ['def train(root, epochs, device):',
             '    """Train a fresh Net as the run did; print every epoch, return the test '
             'accuracy."""',
             "    torch.manual_seed(SEED)  # the initial weights",
             "    model = Net().to(device)",
             "    if CHANNELS_LAST:",
             "        model = model.to(memory_format=torch.channels_last)"]
    if ema:
        lines += ["    average = copy.deepcopy(model).eval()  # what is evaluated",
                  "    for p in average.parameters():",
                  "        p.requires_grad_(False)"]
    draws = "dropout's draws" + (" (and the augmentation's)" if augment else "")
    lines += [f"    torch.manual_seed(SEED + 1)  # {draws}",
              "    generator = torch.Generator(device=device).manual_seed(SEED)  # batch order",
              f"    {splits} = load_data(root, device)",
              "    steps_per_epoch = max(1, len(train_y) // BATCH_SIZE)",
              '    print(f"{len(train_y):,} training images, {steps_per_epoch} steps per epoch, '
              'on {device}")',
              "",
              "    loss_fn = nn.CrossEntropyLoss(label_smoothing=LABEL_SMOOTHING)",
              optimizer]
    if schedule is not None:
        lines.append(schedule[0])
    if ema:
        lines.append("    step = 0")
    lines += ["    for epoch in range(1, epochs + 1):",
              "        model.train()",
              "        train_loss, train_correct, seen = 0.0, 0, 0",
              "        for X, y in batches(train_x, train_y, steps_per_epoch, generator):",
              *(["            with torch.autocast(device.type, dtype=torch.bfloat16):",
                  "                y_hat = model(X).float()"] if bf16 else
                ["            y_hat = model(X)"]),
              "            loss = loss_fn(y_hat, y)",
              "            optimizer.zero_grad()",
              "            loss.backward()",
              "            optimizer.step()"]
    if schedule is not None and schedule[1]:
        lines += ["            if scheduler is not None:", "                scheduler.step()"]
    if ema:
        lines += ["            step += 1", "            update_average(average, model, step)"]
    lines += ["            train_loss += loss.item() * len(y)",
              "            train_correct += (y_hat.argmax(1) == y).sum().item()",
              "            seen += len(y)"]
    if schedule is not None and not schedule[1]:
        lines += ["        if scheduler is not None:", "            scheduler.step()"]
    report = ('        print(f"epoch {epoch}/{epochs}: train loss {train_loss / seen:.4f}, "\n'
              '              f"train accuracy {100 * train_correct / seen:.2f} %, "')
    if validation:
        lines.append(f"        val_loss, val_accuracy = evaluate({evaluated}, val_x, val_y)")
        report += ('\n              f"validation loss {val_loss:.4f}, "'
                   '\n              f"validation accuracy {100 * val_accuracy:.2f} %, "')
    lines += [f"        test_loss, test_accuracy = evaluate({evaluated}, test_x, test_y)",
              report + '\n              f"test loss {test_loss:.4f}, '
                       'test accuracy {100 * test_accuracy:.2f} %")']
    if target:
        lines += ["        if val_accuracy >= TARGET_ACCURACY:",
                  '            print("the validation accuracy reached TARGET_ACCURACY")',
                  "            break"]
    lines += ['    print(f"test accuracy: {100 * test_accuracy:.2f} %")',
              "    return test_accuracy"]
    return (data + "\n\n" + _batch_source(augment) + (ema or "") + "\n\n"
            + "\n".join(lines) + "\n")


def main_source(model_name: str, dataset_title: str) -> str:
    """``main()`` (argparse: ``--data``, ``--epochs``, ``--device``) and the ``__main__``
    guard."""
    return f'''def main():
    parser = argparse.ArgumentParser(
        description="Train {model_name} on {dataset_title} as the DigitLab run did.")
    parser.add_argument("--data", default="data",
                        help="the folder torchvision keeps the data set in (default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=EPOCHS,
                        help="epochs to train (default: the run's %(default)s)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu",
                        help="where to train: cpu, cuda, cuda:1, mps (default: %(default)s)")
    args = parser.parse_args()
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    train(args.data, args.epochs, torch.device(args.device))


if __name__ == "__main__":
    main()
'''
