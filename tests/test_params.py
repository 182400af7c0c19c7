"""Tests for embedlib.params: parameters, buffers and hyperparameters sorted correctly."""

import pytest
import torch
from torch import nn

from embedlib.params import (
    _HYPERPARAMETER_ATTRIBUTES,
    ModelReport,
    changed_names,
    describe_model,
    snapshot_state,
)


def _tiny_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 4, kernel_size=3, padding=1),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(4 * 4 * 4, 3),
    )


def _hyper(report: ModelReport) -> dict[tuple[str, str], object]:
    return {(h.owner, h.name): h.value for h in report.hyperparameters}


def test_embedding_counts_and_hyperparameters():
    emb = nn.Embedding(11, 5, padding_idx=0, max_norm=2.0)
    report = describe_model(emb)
    assert [(r.name, r.shape, r.count) for r in report.learnable] == [("weight", (11, 5), 55)]
    assert report.learnable_count == 11 * 5 and report.frozen == () and report.buffers == ()
    hyper = _hyper(report)
    assert hyper[("Embedding", "num_embeddings")] == 11
    assert hyper[("Embedding", "padding_idx")] == 0
    assert hyper[("Embedding", "max_norm")] == 2.0
    assert hyper[("Embedding", "sparse")] is False
    assert {name for _, name in hyper} == set(_HYPERPARAMETER_ATTRIBUTES[nn.Embedding])


def test_cnn_counts_match_hand_formulas_and_buffers_are_separate():
    model = _tiny_cnn()
    report = describe_model(model)
    counts = {r.name: r.count for r in report.learnable}
    assert counts["0.weight"] == 4 * 1 * 3 * 3 and counts["0.bias"] == 4
    assert counts["1.weight"] == 4 and counts["1.bias"] == 4  # BatchNorm gamma, beta
    assert counts["5.weight"] == 3 * 64 and counts["5.bias"] == 3
    assert report.learnable_count == sum(p.numel() for p in model.parameters())
    assert [b.name for b in report.buffers] == [
        "1.running_mean",
        "1.running_var",
        "1.num_batches_tracked",
    ]
    assert report.buffers[2].dtype == "int64"
    hyper = _hyper(report)
    assert hyper[("0", "kernel_size")] == (3, 3) and hyper[("0", "bias")] is True
    assert hyper[("1", "momentum")] == 0.1 and hyper[("5", "in_features")] == 64
    assert hyper[("4", "extra_repr")] == "start_dim=1, end_dim=-1"  # fallback for Flatten
    assert ("2", "extra_repr") not in hyper  # ReLU() prints nothing: no row


def test_linear_without_bias_reports_bias_false():
    hyper = _hyper(describe_model(nn.Linear(3, 2, bias=False)))
    assert hyper[("Linear", "bias")] is False


def test_frozen_parameters_are_listed_separately():
    model = nn.Sequential(nn.Embedding.from_pretrained(torch.ones(4, 2)), nn.Linear(2, 1))
    report = describe_model(model)
    assert [r.name for r in report.frozen] == ["0.weight"]
    assert report.frozen_count == 8 and report.learnable_count == 3
    assert all(not r.requires_grad for r in report.frozen)


def test_optimizer_and_training_hyperparameters():
    model = nn.Linear(2, 2)
    opt = torch.optim.Adam(model.parameters(), lr=0.01, betas=(0.8, 0.9), weight_decay=0.1)
    hyper = _hyper(describe_model(model, opt, training={"batch_size": 16}))
    group = "optimizer.param_groups[0]"
    assert hyper[(group, "lr")] == 0.01 and hyper[(group, "betas")] == (0.8, 0.9)
    assert hyper[(group, "weight_decay")] == 0.1
    assert (group, "params") not in hyper
    assert hyper[("optimizer", "type")] == "Adam"
    assert hyper[("training loop", "batch_size")] == 16


def test_rows_and_markdown_cover_every_entry():
    model = _tiny_cnn()
    report = describe_model(model, torch.optim.SGD(model.parameters(), lr=0.1))
    rows = report.rows()
    expected = (
        len(report.learnable)
        + len(report.frozen)
        + len(report.buffers)
        + len(report.hyperparameters)
    )
    assert len(rows) == expected
    assert {row["kind"] for row in rows} == {"learnable", "buffer", "hyperparameter"}
    markdown = report.to_markdown(kinds=("buffer",))
    assert markdown.count("\n") == 1 + len(report.buffers)
    assert "running_var" in markdown and "weight" not in markdown


def test_step_changes_parameters_never_hyperparameters():
    torch.manual_seed(0)
    model = _tiny_cnn()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model.eval()  # no buffer updates in this test
    before = snapshot_state(model, opt)
    model(torch.randn(2, 1, 8, 8)).sum().backward()
    opt.step()
    changed = changed_names(before, snapshot_state(model, opt))
    assert set(changed["parameters"]) == {n for n, _ in model.named_parameters()}
    assert changed["buffers"] == [] and changed["hyperparameters"] == []


def test_batchnorm_buffers_change_in_train_forward_only():
    torch.manual_seed(0)
    model = _tiny_cnn()
    images = torch.randn(4, 1, 8, 8)
    model.eval()
    before = snapshot_state(model)
    with torch.no_grad():
        model(images)
    assert changed_names(before, snapshot_state(model))["buffers"] == []
    model.train()
    with torch.no_grad():
        model(images)
    after = snapshot_state(model)
    assert set(changed_names(before, after)["buffers"]) == {
        "1.running_mean",
        "1.running_var",
        "1.num_batches_tracked",
    }
    assert after.buffers["1.num_batches_tracked"].item() == 1
    assert changed_names(before, after)["parameters"] == []


def test_changing_lr_shows_up_as_a_hyperparameter_change():
    model = nn.Linear(2, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    before = snapshot_state(model, opt)
    opt.param_groups[0]["lr"] = 0.01
    assert changed_names(before, snapshot_state(model, opt))["hyperparameters"] == [
        "optimizer.param_groups[0].lr"
    ]


def test_bad_input_messages():
    with pytest.raises(TypeError, match=r"module must be a torch\.nn\.Module"):
        describe_model(torch.zeros(3))
    with pytest.raises(TypeError, match=r"optimizer must be a torch\.optim\.Optimizer"):
        describe_model(nn.Linear(1, 1), optimizer="sgd")
    with pytest.raises(ValueError, match="kinds must be drawn from"):
        describe_model(nn.Linear(1, 1)).to_markdown(kinds=("weights",))
    with pytest.raises(TypeError, match="StateSnapshot"):
        changed_names({}, {})
    with pytest.raises(TypeError, match=r"after must be a StateSnapshot.*got dict"):
        changed_names(snapshot_state(nn.Linear(1, 1)), {})
    with pytest.raises(TypeError, match="kinds must be a tuple"):
        describe_model(nn.Linear(1, 1)).to_markdown(kinds="learnable")
    with pytest.raises(TypeError, match="training must be a dict"):
        describe_model(nn.Linear(1, 1), training=[("batch_size", 32)])


def test_changed_names_reports_names_present_in_one_snapshot_only():
    model = nn.BatchNorm1d(2)
    before = snapshot_state(model)
    model.register_buffer("calls", torch.zeros(1))  # appears between the two snapshots
    assert changed_names(before, snapshot_state(model))["buffers"] == ["calls"]
    assert changed_names(snapshot_state(model), before)["buffers"] == ["calls"]
    swapped = changed_names(snapshot_state(nn.Linear(1, 1)), snapshot_state(nn.Embedding(2, 2)))
    assert swapped["parameters"] == ["weight", "bias"]  # weight differs, bias only in one


def test_changed_names_compares_nan_bit_for_bit():
    layer = nn.Linear(2, 1)
    with torch.no_grad():
        layer.weight[0, 0] = float("nan")
    before = snapshot_state(layer)
    assert changed_names(before, snapshot_state(layer))["parameters"] == []  # NaN stayed NaN
    with torch.no_grad():
        layer.weight[0, 1] = float("nan")
    assert changed_names(before, snapshot_state(layer))["parameters"] == ["weight"]
