"""Training holds out the latest term, beats its baselines on real signal, is rejected on
noise, says so when data are too few, and stores what it learned."""

import json
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from recommendations import training
from recommendations.models import ModelVersion
from tests.recommendations.conftest import build_history, make_terms

pytestmark = pytest.mark.django_db


def test_time_split_holds_out_the_latest_finished_term():
    history = build_history(students=60)
    train, test = training.build_datasets()
    first, second, third, _current = history["terms"]
    assert train.term_names == [str(first), str(second)]
    assert test.term_names == [str(third)]
    assert len(train.x) == 120 and len(test.x) == 60


def test_models_beat_their_baselines_when_the_signal_is_real():
    build_history(students=240, signal=True)
    version = training.train()
    score, update = version.metrics["score"], version.metrics["update_30d"]
    assert version.score_passed, score
    assert version.update_passed, update
    assert score["model"]["mae"] < score["baselines"]["program_mean"]["mae"]
    assert score["model"]["mae"] < score["baselines"]["last_term"]["mae"]
    assert update["model"]["roc_auc"] > update["baselines"]["last_term"]["roc_auc"]
    assert update["model"]["reliability"], "calibration bins are reported"
    assert version.passed and version.file and default_storage.exists(version.file)
    loaded_version, fitted = training.model_in_use()
    assert loaded_version == version
    assert fitted.score_model is not None and fitted.update_model is not None
    assert fitted.names == version.features


def test_models_are_rejected_when_the_history_is_noise():
    build_history(students=240, signal=False, seed=3)
    version = training.train()
    assert not version.score_passed, version.metrics["score"]
    assert not version.update_passed, version.metrics["update_30d"]
    assert not version.passed and version.file == ""
    assert training.model_in_use() == (None, None)


def test_too_little_data_is_a_clear_message_not_a_crash():
    make_terms()
    out = StringIO()
    call_command("recommendations_train", stdout=out)
    assert "Too little data to train" in out.getvalue()
    out = StringIO()
    call_command("recommendations_train", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["trained"] is False and "Too little data" in report["message"]
    assert not ModelVersion.objects.exists()


def test_one_finished_term_is_not_enough():
    with pytest.raises(training.TooLittleData, match="at least two terms"):
        training.build_datasets()


def test_command_prints_the_metrics_as_json():
    build_history(students=80)
    out = StringIO()
    call_command("recommendations_train", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["trained"] is True
    assert report["training_rows"] == 160 and report["test_rows"] == 80
    for metric in ("mae", "r2"):
        assert metric in report["metrics"]["score"]["model"]
        assert metric in report["metrics"]["score"]["baselines"]["program_mean"]
    for metric in ("roc_auc", "brier", "reliability"):
        assert metric in report["metrics"]["update_30d"]["model"]
        assert metric in report["metrics"]["update_30d"]["baselines"]["last_term"]


def test_only_the_newest_versions_keep_their_files():
    build_history(students=240)
    versions = [training.train() for _n in range(training.KEEP_FILES + 1)]
    for version in versions:
        version.refresh_from_db()
    assert versions[0].file == "" and versions[0].metrics  # the row and its figures stay
    assert all(v.file and default_storage.exists(v.file) for v in versions[1:])
    assert training.model_in_use()[0] == versions[-1]
