"""Tests for embedlib.params: parameters, buffers and hyperparameters sorted correctly."""

import inspect

import pytest
import torch
from torch import nn

from embedlib.params import KINDS, ModelReport, describe_model


def _tiny_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 4, kernel_size=3, padding=1),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(4 * 4 * 4, 3),
    )


def _rows(report: ModelReport, kind: str) -> list:
    return [row for row in report.rows if row.kind == kind]


def _hyper(report: ModelReport) -> dict[str, object]:
    return {r.name: r.value for r in _rows(report, "hyperparameter")}


def test_embedding_counts_and_every_constructor_argument_it_keeps():
    emb = nn.Embedding(11, 5, padding_idx=0, max_norm=2.0)
    report = describe_model(emb)
    learnable = [(r.name, r.value, r.count) for r in _rows(report, "learnable")]
    assert learnable == [("weight", (11, 5), 55)]
    assert report.learnable_count == 11 * 5
    assert _rows(report, "frozen") == [] and _rows(report, "buffer") == []
    hyper = _hyper(report)
    assert hyper == {
        "num_embeddings": 11,
        "embedding_dim": 5,
        "padding_idx": 0,
        "max_norm": 2.0,
        "norm_type": 2.0,
        "scale_grad_by_freq": False,
        "sparse": False,
    }
    # the oracle: the constructor's own signature, minus what the module does not keep
    kept = {n for n in inspect.signature(nn.Embedding).parameters if not n.startswith("_")}
    assert set(hyper) == kept - {"device", "dtype"}


def test_names_are_where_torch_keeps_each_value():
    model = _tiny_cnn()
    report = describe_model(model)
    for row in report.rows:
        if row.kind in ("learnable", "buffer"):
            tensor = model.get_parameter(row.name) if row.kind == "learnable" else None
            tensor = model.get_buffer(row.name) if tensor is None else tensor
            assert (row.value, row.count) == (tuple(tensor.shape), tensor.numel())
        else:
            path, _, attribute = row.name.rpartition(".")
            assert getattr(model.get_submodule(path), attribute) == row.value


def test_cnn_counts_match_hand_formulas_and_buffers_are_separate():
    model = _tiny_cnn()
    report = describe_model(model)
    counts = {r.name: r.count for r in _rows(report, "learnable")}
    assert counts["0.weight"] == 4 * 1 * 3 * 3 and counts["0.bias"] == 4
    assert counts["1.weight"] == 4 and counts["1.bias"] == 4  # BatchNorm gamma, beta
    assert counts["5.weight"] == 3 * 64 and counts["5.bias"] == 3
    assert report.learnable_count == sum(p.numel() for p in model.parameters())
    buffers = [(r.name, r.count) for r in _rows(report, "buffer")]
    assert buffers == [("1.running_mean", 4), ("1.running_var", 4), ("1.num_batches_tracked", 1)]
    hyper = _hyper(report)
    assert hyper["0.kernel_size"] == (3, 3) and hyper["1.momentum"] == 0.1
    assert hyper["5.in_features"] == 64 and hyper["3.kernel_size"] == 2
    assert hyper["4.start_dim"] == 1
    assert "0.bias" not in hyper  # the bias is a parameter, listed as one
    assert not any("args" in name for name in hyper)  # Sequential(*args): nothing kept


def test_a_missing_bias_is_reported_as_bias_false():
    report = describe_model(nn.Linear(3, 2, bias=False))
    assert _hyper(report)["bias"] is False
    assert [r.name for r in _rows(report, "learnable")] == ["weight"]


def test_a_custom_module_shows_the_arguments_it_keeps_and_its_submodules():
    class Model(nn.Module):
        def __init__(self, vocab, dim, scale=2.0):
            super().__init__()
            self.scale = scale  # kept: reported
            self.emb = nn.Embedding(vocab, dim)  # vocab and dim not kept on Model itself

    hyper = _hyper(describe_model(Model(4, 2)))
    assert hyper["scale"] == 2.0 and "vocab" not in hyper
    assert hyper["emb.num_embeddings"] == 4


def test_frozen_parameters_are_listed_separately():
    model = nn.Sequential(nn.Embedding.from_pretrained(torch.ones(4, 2)), nn.Linear(2, 1))
    report = describe_model(model)
    assert [(r.name, r.count) for r in _rows(report, "frozen")] == [("0.weight", 8)]
    assert report.learnable_count == 3


def test_optimizer_and_training_hyperparameters():
    model = nn.Linear(2, 2)
    opt = torch.optim.Adam(model.parameters(), lr=0.01, betas=(0.8, 0.9), weight_decay=0.1)
    hyper = _hyper(describe_model(model, opt, training={"batch_size": 16}))
    for key, value in opt.param_groups[0].items():  # every setting, defaults too
        name = f"optimizer.param_groups[0][{key!r}]"
        assert (name in hyper) == (key != "params")
        if key != "params":
            assert hyper[name] == value
    assert hyper["type(optimizer)"] == "Adam"
    assert hyper["batch_size (training loop)"] == 16


def test_markdown_has_one_line_per_row_of_the_kinds_asked_for():
    model = _tiny_cnn()
    report = describe_model(model, torch.optim.SGD(model.parameters(), lr=0.1))
    assert report.to_markdown().count("\n") == 1 + len(report.rows)
    markdown = report.to_markdown(kinds=("buffer",))
    assert markdown.splitlines()[2:] == [
        "| buffer | `1.running_mean` | shape (4,): 4 values |",
        "| buffer | `1.running_var` | shape (4,): 4 values |",
        "| buffer | `1.num_batches_tracked` | shape (): 1 value |",
    ]
    assert set(KINDS) == {row.kind for row in report.rows} | {"frozen"}


def test_bad_input_messages():
    with pytest.raises(TypeError, match=r"module must be a torch\.nn\.Module"):
        describe_model(torch.zeros(3))
    with pytest.raises(TypeError, match=r"optimizer must be a torch\.optim\.Optimizer"):
        describe_model(nn.Linear(1, 1), optimizer="sgd")
    with pytest.raises(ValueError, match="kinds must be drawn from"):
        describe_model(nn.Linear(1, 1)).to_markdown(kinds=("weights",))
    with pytest.raises(TypeError, match="kinds must be a tuple"):
        describe_model(nn.Linear(1, 1)).to_markdown(kinds="learnable")
    with pytest.raises(TypeError, match="training must be a dict"):
        describe_model(nn.Linear(1, 1), training=[("batch_size", 32)])
