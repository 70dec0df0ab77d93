"""The abstract stored-file model and the quota over all its concrete models."""

import ast
import pathlib

from achievements.models import Evidence
from core.files.quota import stored_file_models
from core.models import StoredFile
from journal.models import PostAttachment

CORE = pathlib.Path(__file__).resolve().parents[2] / "core"
PROJECT_APPS = {
    "accounts", "portfolios", "achievements", "journal", "feedback", "comments", "analytics",
    "notifications", "portfolio_site", "pages", "transfer", "demo", "search",
}  # fmt: skip


def test_the_quota_counts_every_stored_file_model():
    assert stored_file_models() == [Evidence, PostAttachment]
    assert all(issubclass(model, StoredFile) for model in stored_file_models())
    assert {model.quota_owner for model in stored_file_models()} == {
        "achievement__portfolio",
        "post__portfolio",
    }


def test_core_imports_no_project_app():
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in PROJECT_APPS, f"{path}: imports {name}"
