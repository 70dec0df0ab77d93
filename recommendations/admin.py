"""Model versions with their held-out metrics (read only: ``recommendations_train`` makes
them), and the log of cards shown and answered."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from feedback.admin import ReadOnlyAdmin
from recommendations.models import Exposure, ModelVersion, Response


def _figure(value) -> str:
    return "—" if value is None else str(value)


@admin.register(ModelVersion)
class ModelVersionAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__", "passed", "score_passed", "update_passed", "training_rows", "test_rows",
        "test_term", "score_mae", "update_auc", "seconds",
    )  # fmt: skip
    list_filter = ("passed",)
    search_fields = ("test_term",)
    readonly_fields = (
        "created_at", "passed", "score_passed", "update_passed", "training_rows", "test_rows",
        "train_terms", "test_term", "seconds", "file", "metrics_table", "reliability_table",
        "features",
    )  # fmt: skip
    exclude = ("metrics",)

    @admin.display(description=_("score MAE (model / program mean / last term)"))
    def score_mae(self, obj):
        m = obj.metrics.get("score", {})
        if "model" not in m:
            return m.get("message", "—")
        b = m["baselines"]
        return f"{m['model']['mae']} / {b['program_mean']['mae']} / {b['last_term']['mae']}"

    @admin.display(description=_("update ROC AUC (model / program mean / last term)"))
    def update_auc(self, obj):
        m = obj.metrics.get("update_30d", {})
        if "model" not in m:
            return m.get("message", "—")
        b = m["baselines"]
        return (
            f"{_figure(m['model']['roc_auc'])} / {_figure(b['program_mean']['roc_auc'])} / "
            f"{_figure(b['last_term']['roc_auc'])}"
        )

    @admin.display(description=_("metrics on the held-out term"))
    def metrics_table(self, obj):
        rows = []
        score = obj.metrics.get("score", {})
        update = obj.metrics.get("update_30d", {})
        for label, part in [("model", "model"), ("program mean", "program_mean"),
                            ("last term", "last_term")]:  # fmt: skip
            s = score.get("model") if part == "model" else score.get("baselines", {}).get(part)
            u = update.get("model") if part == "model" else update.get("baselines", {}).get(part)
            rows.append((
                label,
                _figure((s or {}).get("mae")), _figure((s or {}).get("r2")),
                _figure((u or {}).get("roc_auc")), _figure((u or {}).get("brier")),
            ))  # fmt: skip
        body = format_html_join(
            "", "<tr><th>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows
        )
        return format_html(
            "<table><thead><tr><th></th><th>MAE</th><th>R²</th><th>ROC AUC</th><th>Brier</th>"
            "</tr></thead><tbody>{}</tbody></table><p>score: z = {}, {}; update: z = {}, {}</p>",
            body, _figure(score.get("z")), score.get("message", "") or
            ("passed" if score.get("passed") else "not used"),
            _figure(update.get("z")), update.get("message", "") or
            ("passed" if update.get("passed") else "not used"),
        )  # fmt: skip

    @admin.display(description=_("calibration of the update model (held-out term)"))
    def reliability_table(self, obj):
        bins = obj.metrics.get("update_30d", {}).get("model", {}).get("reliability", [])
        if not bins:
            return "—"
        body = format_html_join(
            "", "<tr><td>{}–{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            [(b["from"], b["to"], b["rows"], b["predicted"], b["observed"]) for b in bins],
        )  # fmt: skip
        return format_html(
            "<table><thead><tr><th>p</th><th>rows</th><th>predicted</th><th>observed</th>"
            "</tr></thead><tbody>{}</tbody></table>",
            body,
        )


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ("answered_at", "student", "key", "choice", "hidden_until")
    list_filter = ("choice",)
    search_fields = ("student__username", "key")
    list_select_related = ("student",)


@admin.register(Exposure)
class ExposureAdmin(ReadOnlyAdmin):
    list_display = ("last_shown_at", "student", "key", "mode", "first_shown_at")
    list_filter = ("mode",)
    search_fields = ("student__username", "key")
    list_select_related = ("student",)
    show_full_result_count = False
