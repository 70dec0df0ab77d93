"""Training and honest evaluation of the two models, and loading the one in use.

Rows: one per student and finished term (its last day at least 30 days ago), features as of
the term's last day (``features.snapshot``), outcomes after it — the next term's review
score, and whether the student updated the portfolio at all in the next 30 days.

Evaluation holds out the latest such term (a time split, never random rows): the models
learn from the earlier terms and are judged on the latest one, beside two baselines each —
the program's mean (of the training rows) and last term's behaviour (the student's last
score; the update rate of students who did / did not update in the 30 days before). A model
passes only if it beats the better baseline by more than chance on the held-out rows (a
paired z-test on the per-row errors, z > 1.96; for the update model also a higher ROC AUC).
A model that passed is then refitted on all rows and stored (joblib, through Django's
default storage); the site uses the newest version in which at least one model passed, and
each of its models only if that model passed.
"""

from __future__ import annotations

import io
import logging
import math
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

import joblib
import numpy as np
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.models import Term
from recommendations import features
from recommendations.models import ModelVersion

logger = logging.getLogger(__name__)

MIN_TRAIN_ROWS = 40
MIN_TEST_ROWS = 20
OUTCOME_DAYS = 30
STORAGE_FOLDER = "models/recommendations"
Z_REQUIRED = 1.96


class TooLittleData(Exception):
    """Not enough history to train and evaluate; the message says what is missing."""


@dataclass
class Dataset:
    names: list[str]
    x: np.ndarray
    program: np.ndarray  # program id per row (-1: none)
    score: np.ndarray  # next term's score, NaN when the student has none
    updated: np.ndarray  # 1.0 when the student updated in the next 30 days
    updated_before: np.ndarray  # 1.0 when they updated in the 30 days before the cutoff
    last_score: np.ndarray
    term_names: list[str] = field(default_factory=list)


def _term_rows(term: Term, next_term: Term | None, sections) -> tuple[list, dict]:
    rows = features.snapshot(
        cutoff=term.ends_on, term_start=term.starts_on, sections=sections, enrolled_only=True
    )
    scores = features.next_term_scores(next_term.pk) if next_term else {}
    return list(rows.values()), scores


def _dataset(pairs, names: list[str], term_names: list[str]) -> Dataset:
    rows = [row for term_rows, _scores in pairs for row in term_rows]
    scores = [s for term_rows, term_scores in pairs for s in _scores_of(term_rows, term_scores)]
    x = np.array([[row.values[n] for n in names] for row in rows], dtype=float).reshape(
        len(rows), len(names)
    )
    return Dataset(
        names=names,
        x=x,
        program=np.array([row.program_id or -1 for row in rows], dtype=np.int64),
        score=np.array(scores, dtype=float),
        updated=np.array([float(row.updated_next_30d) for row in rows]),
        updated_before=np.array([float(row.values["updates_30d"] > 0) for row in rows]),
        last_score=np.array(
            [row.values["last_score"] if row.values["has_score"] else math.nan for row in rows],
            dtype=float,
        ),
        term_names=term_names,
    )


def _scores_of(rows, scores: dict[int, float]):
    return [scores.get(row.student_id, math.nan) for row in rows]


def build_datasets(today: date | None = None) -> tuple[Dataset, Dataset]:
    """(training rows, held-out rows): the latest finished term is held out."""
    today = today or timezone.localdate()
    terms = list(Term.objects.order_by("starts_on"))
    finished = [
        (i, t) for i, t in enumerate(terms) if t.ends_on + timedelta(days=OUTCOME_DAYS) <= today
    ]
    if len(finished) < 2:
        raise TooLittleData(
            _(
                "Training needs at least two terms that ended %(days)s days ago or more "
                "(one to learn from, the latest one to test on); there are %(count)s."
            )
            % {"days": OUTCOME_DAYS, "count": len(finished)}
        )
    sections = features.active_sections()
    names = features.feature_names([code for _pk, code in sections])
    pairs = []
    for i, term in finished:
        next_term = terms[i + 1] if i + 1 < len(terms) else None
        pairs.append((term, _term_rows(term, next_term, sections)))
    train = _dataset([p for _t, p in pairs[:-1]], names, [str(t) for t, _p in pairs[:-1]])
    test = _dataset([pairs[-1][1]], names, [str(pairs[-1][0])])
    if len(train.x) < MIN_TRAIN_ROWS or len(test.x) < MIN_TEST_ROWS:
        raise TooLittleData(
            _(
                "Too little data to train: %(train)s training rows and %(test)s held-out rows "
                "(at least %(min_train)s and %(min_test)s are needed)."
            )
            % {
                "train": len(train.x),
                "test": len(test.x),
                "min_train": MIN_TRAIN_ROWS,
                "min_test": MIN_TEST_ROWS,
            }  # fmt: skip
        )
    return train, test


# --- Models and baselines ---------------------------------------------------------------


LINEAR_UP_TO = 20_000  # rows; above, gradient boosting alone (training time)


def _regressor(n: int, kind: str = "boosting"):
    if kind == "linear":
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import Ridge
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        return make_pipeline(
            SimpleImputer(strategy="median", add_indicator=True), StandardScaler(), Ridge(1.0)
        )
    from sklearn.ensemble import HistGradientBoostingRegressor

    return HistGradientBoostingRegressor(
        max_iter=150, learning_rate=0.06, max_leaf_nodes=15,
        min_samples_leaf=max(5, min(100, n // 50)), l2_regularization=1.0, random_state=0,
    )  # fmt: skip


def _classifier(n: int, kind: str = "boosting"):
    if kind == "linear":
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        return make_pipeline(
            SimpleImputer(strategy="median", add_indicator=True),
            StandardScaler(),
            LogisticRegression(C=1.0, max_iter=1000),
        )
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        max_iter=150, learning_rate=0.06, max_leaf_nodes=15,
        min_samples_leaf=max(5, min(100, n // 50)), l2_regularization=1.0, random_state=0,
    )  # fmt: skip


def _choose(make, x: np.ndarray, y: np.ndarray, scoring: str) -> str:
    """Gradient boosting or a regularised linear model, whichever does better in 3-fold
    cross-validation on the training rows (the held-out term is not looked at). Above
    ``LINEAR_UP_TO`` rows: boosting."""
    if len(x) > LINEAR_UP_TO:
        return "boosting"
    from sklearn.model_selection import KFold, cross_val_score

    folds = KFold(3, shuffle=True, random_state=0)
    results = {
        kind: float(np.mean(cross_val_score(make(len(x), kind), x, y, cv=folds, scoring=scoring)))
        for kind in ("boosting", "linear")
    }
    return max(results, key=results.get)


def _sample(n: int, seed: int = 0) -> np.ndarray:
    """Indices of at most ``MAX_FIT_ROWS`` of ``n`` rows (all of them when fewer): 25
    features need no more, and the fit's time stays flat as the institution grows."""
    if n <= MAX_FIT_ROWS:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, MAX_FIT_ROWS, replace=False))


def _group_means(keys: np.ndarray, values: np.ndarray) -> tuple[dict[int, float], float]:
    overall = float(np.mean(values)) if len(values) else 0.0
    means = {}
    for key in np.unique(keys):
        means[int(key)] = float(np.mean(values[keys == key]))
    return means, overall


def _apply_means(keys: np.ndarray, means: dict[int, float], overall: float) -> np.ndarray:
    return np.array([means.get(int(k), overall) for k in keys], dtype=float)


def _paired_z(base_loss: np.ndarray, model_loss: np.ndarray) -> float:
    """How many standard errors the model's mean loss is below the baseline's."""
    diff = base_loss - model_loss
    if len(diff) < 2:
        return 0.0
    sd = float(np.std(diff, ddof=1))
    if sd == 0:
        return 0.0 if float(np.mean(diff)) <= 0 else math.inf
    return float(np.mean(diff) / (sd / math.sqrt(len(diff))))


def _regression_metrics(y: np.ndarray, predicted: np.ndarray) -> dict:
    from sklearn.metrics import mean_absolute_error, r2_score

    return {
        "mae": round(float(mean_absolute_error(y, predicted)), 3),
        "r2": round(float(r2_score(y, predicted)), 3) if len(y) > 1 else None,
    }


def reliability_bins(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict]:
    edges = np.linspace(0, 1, bins + 1)
    out = []
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        inside = (p >= low) & ((p < high) if high < 1 else (p <= high))
        if inside.any():
            out.append({
                "from": round(float(low), 1), "to": round(float(high), 1),
                "rows": int(inside.sum()), "predicted": round(float(p[inside].mean()), 3),
                "observed": round(float(y[inside].mean()), 3),
            })  # fmt: skip
    return out


def _classification_metrics(y: np.ndarray, p: np.ndarray) -> dict:
    from sklearn.metrics import brier_score_loss, roc_auc_score

    auc = float(roc_auc_score(y, p)) if len(np.unique(y)) == 2 else None
    return {
        "roc_auc": round(auc, 3) if auc is not None else None,
        "brier": round(float(brier_score_loss(y, p)), 4),
        "reliability": reliability_bins(y, p),
    }


def evaluate_score(train: Dataset, test: Dataset) -> tuple[dict, object | None]:
    tr, te = ~np.isnan(train.score), ~np.isnan(test.score)
    if tr.sum() < MIN_TRAIN_ROWS or te.sum() < MIN_TEST_ROWS:
        return {
            "passed": False,
            "message": "too few released scores",
            "train_rows": int(tr.sum()),
            "test_rows": int(te.sum()),
        }, None
    y_train, y_test = train.score[tr], test.score[te]
    kind = _choose(_regressor, train.x[tr], y_train, "neg_mean_absolute_error")
    fit = _sample(len(y_train))
    model = _regressor(len(fit), kind).fit(train.x[tr][fit], y_train[fit])
    predicted = model.predict(test.x[te])
    means, overall = _group_means(train.program[tr], y_train)
    program_mean = _apply_means(test.program[te], means, overall)
    last = np.where(np.isnan(test.last_score[te]), program_mean, test.last_score[te])
    baselines = {"program_mean": program_mean, "last_term": last}
    metrics = {
        "estimator": kind,
        "train_rows": int(tr.sum()),
        "test_rows": int(te.sum()),
        "model": _regression_metrics(y_test, predicted),
        "baselines": {k: _regression_metrics(y_test, v) for k, v in baselines.items()},
    }
    best = min(baselines, key=lambda k: metrics["baselines"][k]["mae"])
    z = _paired_z(np.abs(y_test - baselines[best]), np.abs(y_test - predicted))
    metrics["best_baseline"], metrics["z"] = best, round(z, 2)
    metrics["passed"] = bool(
        metrics["model"]["mae"] < metrics["baselines"][best]["mae"] and z > Z_REQUIRED
    )
    return metrics, model


def evaluate_update(train: Dataset, test: Dataset) -> tuple[dict, object | None]:
    if len(np.unique(train.updated)) < 2 or len(np.unique(test.updated)) < 2:
        return {"passed": False, "message": "the outcome never varies"}, None
    kind = _choose(_classifier, train.x, train.updated, "neg_brier_score")
    fit = _sample(len(train.x))
    model = _classifier(len(fit), kind).fit(train.x[fit], train.updated[fit])
    p = model.predict_proba(test.x)[:, 1]
    means, overall = _group_means(train.program, train.updated)
    program_rate = _apply_means(test.program, means, overall)
    before_rates, before_overall = _group_means(train.updated_before.astype(int), train.updated)
    last = _apply_means(test.updated_before.astype(int), before_rates, before_overall)
    baselines = {"program_mean": program_rate, "last_term": last}
    y = test.updated
    metrics = {
        "estimator": kind,
        "train_rows": len(train.x),
        "test_rows": len(test.x),
        "positive_rate": round(float(y.mean()), 3),
        "model": _classification_metrics(y, p),
        "baselines": {k: _classification_metrics(y, v) for k, v in baselines.items()},
    }
    best = min(baselines, key=lambda k: metrics["baselines"][k]["brier"])
    best_auc = max(metrics["baselines"][k]["roc_auc"] or 0.5 for k in baselines)
    z = _paired_z((y - baselines[best]) ** 2, (y - p) ** 2)
    metrics["best_baseline"], metrics["z"] = best, round(z, 2)
    metrics["passed"] = bool(
        (metrics["model"]["roc_auc"] or 0) > best_auc
        and metrics["model"]["brier"] < metrics["baselines"][best]["brier"]
        and z > Z_REQUIRED
    )
    return metrics, model


# --- The run ------------------------------------------------------------------------------


@dataclass
class Fitted:
    """What is stored per version: the estimators that passed and what explaining and
    ranking need (feature names, the typical values of the training rows)."""

    names: list[str]
    score_model: object | None
    update_model: object | None
    typical: dict[str, float]


MAX_FIT_ROWS = 60_000  # a model learns from at most this many rows (a seeded sample)


_controller = []


def one_thread():
    """A block in which scikit-learn's OpenMP code runs on one thread. A page's prediction
    (a few rows) with OpenMP's threads on a busy machine took 10 ms at p50 and 290 ms at
    p95; on one thread 1.5 ms and 3 ms. The controller is made once per process (its
    inspection of the loaded libraries is the slow part)."""
    from threadpoolctl import ThreadpoolController

    if not _controller:
        _controller.append(ThreadpoolController())
    return _controller[0].limit(limits=1, user_api="openmp")


def train(*, today: date | None = None) -> ModelVersion:
    """Fit, evaluate on the held-out term, store; raises ``TooLittleData``."""
    started = time.perf_counter()
    train_set, test_set = build_datasets(today)
    # One thread: on a busy two-core machine OpenMP's threads wait on each other (four fits
    # on 100,000 rows took four minutes at a load of 8; on one thread, under a minute).
    with one_thread():
        return _train(train_set, test_set, started)


def _train(train_set: Dataset, test_set: Dataset, started: float) -> ModelVersion:
    score_metrics, score_model = evaluate_score(train_set, test_set)
    update_metrics, update_model = evaluate_update(train_set, test_set)
    version = ModelVersion(
        training_rows=len(train_set.x),
        test_rows=len(test_set.x),
        train_terms=train_set.term_names,
        test_term=test_set.term_names[0],
        features=train_set.names,
        metrics={"score": score_metrics, "update_30d": update_metrics},
        score_passed=score_metrics["passed"],
        update_passed=update_metrics["passed"],
    )
    version.passed = version.score_passed or version.update_passed
    if version.passed:
        everything = _concat(train_set, test_set)
        keep = np.flatnonzero(~np.isnan(everything.score))
        keep = keep[_sample(len(keep), seed=1)]
        rows = _sample(len(everything.x), seed=2)
        fitted = Fitted(
            names=everything.names,
            score_model=(
                _regressor(len(keep), score_metrics["estimator"]).fit(
                    everything.x[keep], everything.score[keep]
                )
                if version.score_passed
                else None
            ),
            update_model=(
                _classifier(len(rows), update_metrics["estimator"]).fit(
                    everything.x[rows], everything.updated[rows]
                )
                if version.update_passed
                else None
            ),
            typical={
                name: float(np.nanmedian(everything.x[:, i])) if len(everything.x) else 0.0
                for i, name in enumerate(everything.names)
            },
        )
        buffer = io.BytesIO()
        joblib.dump(fitted, buffer, compress=3)
        version.file = default_storage.save(
            f"{STORAGE_FOLDER}/{uuid.uuid4().hex}.joblib", ContentFile(buffer.getvalue())
        )
    version.seconds = round(time.perf_counter() - started, 2)
    version.full_clean()
    version.save()
    if version.file:
        prune_files()
    forget_loaded()
    return version


KEEP_FILES = 3  # the newest versions whose estimators stay stored


def prune_files() -> int:
    """Delete the stored estimators of all but the ``KEEP_FILES`` newest stored versions
    (their rows and metrics stay); how many were deleted."""
    stale = list(ModelVersion.objects.exclude(file="").order_by("-created_at", "-id")[KEEP_FILES:])
    for old in stale:
        default_storage.delete(old.file)
    ModelVersion.objects.filter(pk__in=[v.pk for v in stale]).update(file="")
    return len(stale)


def _concat(a: Dataset, b: Dataset) -> Dataset:
    return Dataset(
        names=a.names,
        x=np.vstack([a.x, b.x]),
        program=np.concatenate([a.program, b.program]),
        score=np.concatenate([a.score, b.score]),
        updated=np.concatenate([a.updated, b.updated]),
        updated_before=np.concatenate([a.updated_before, b.updated_before]),
        last_score=np.concatenate([a.last_score, b.last_score]),
        term_names=a.term_names + b.term_names,
    )


# --- Loading the model in use -------------------------------------------------------------

_loaded: dict[int, Fitted | None] = {}
_newest: dict[str, tuple[float, ModelVersion | None]] = {}
NEWEST_SECONDS = 60  # how long a process trusts its answer to "which version is newest"


def model_in_use() -> tuple[ModelVersion | None, Fitted | None]:
    """The newest version that passed and its estimators (kept per process; the question
    which version is newest is asked again after ``NEWEST_SECONDS``); (version, None) when
    its file fails to load — logged once, and the caller uses the rules."""
    asked = _newest.get("version")
    if asked is None or time.monotonic() - asked[0] > NEWEST_SECONDS:
        version = ModelVersion.objects.filter(passed=True).exclude(file="").first()
        _newest["version"] = (time.monotonic(), version)
    else:
        version = asked[1]
    if version is None:
        return None, None
    if version.pk not in _loaded:
        try:
            with default_storage.open(version.file, "rb") as stored:
                fitted = joblib.load(io.BytesIO(stored.read()))
            if not isinstance(fitted, Fitted) or fitted.names != version.features:
                raise ValueError("the stored estimators do not match the version's features")
        except Exception:
            logger.exception(
                "Recommendation model %s (%s) failed to load; using the rules",
                version.pk,
                version.file,
            )
            fitted = None
        _loaded[version.pk] = fitted
    return version, _loaded[version.pk]


def forget_loaded() -> None:
    """Drop the estimators and the newest version kept in this process."""
    _loaded.clear()
    _newest.clear()
