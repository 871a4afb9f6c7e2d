"""Addresses of the supervision pages and API: tasks, progress reports, projects, bodies, lists.

Pages and their JSON twins are built here only, so templates, routes and tests agree.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode


def _query(params: dict[str, str | int | bool | None]) -> str:
    """A query string of the parameters that have a value (False and empty are left out)."""
    kept = {k: ("1" if v is True else str(v)) for k, v in params.items() if v not in (None, "", False)}
    return f"?{urlencode(kept)}" if kept else ""


# ------------------------------------------------------------------------------------------------- pages


def tasks_board(**filters: str | int | bool | None) -> str:
    return "/tasks" + _query(filters)


def task_page(task_id: int) -> str:
    return f"/tasks/{task_id}"


def task_status_action(task_id: int) -> str:
    return f"/tasks/{task_id}/status"


def task_assign_action(task_id: int) -> str:
    return f"/tasks/{task_id}/assign"


def task_milestones_action(task_id: int) -> str:
    return f"/tasks/{task_id}/milestones"


def task_split_action(task_id: int) -> str:
    return f"/tasks/{task_id}/split"


def tasks_merge_action() -> str:
    return "/tasks/merge"


def task_report_form(task_id: int) -> str:
    return f"/tasks/{task_id}/report"


def report_page(report_id: int) -> str:
    return f"/reports/{report_id}"


def report_review_action(report_id: int) -> str:
    return f"/reports/{report_id}/review"


def report_edit_action(report_id: int) -> str:
    """The author's edit of a submitted or returned report."""
    return f"/reports/{report_id}/edit"


def projects_register(**filters: str | int | bool | None) -> str:
    return "/projects" + _query(filters)


def project_page(project_id: int) -> str:
    return f"/projects/{project_id}"


def project_edit_action(project_id: int) -> str:
    return f"/projects/{project_id}/edit"


def project_report_form(project_id: int) -> str:
    return f"/projects/{project_id}/report"


def body_page(code: str, quarter: str | None = None) -> str:
    return f"/bodies/{quote(code, safe='')}" + _query({"quarter": quarter})


def overdue_page() -> str:
    return "/overdue"


# --------------------------------------------------------------------------------------------------- API


def api_tasks(**filters: str | int | bool | None) -> str:
    return "/api/tasks" + _query(filters)


def api_task(task_id: int) -> str:
    return f"/api/tasks/{task_id}"


def api_task_history(task_id: int) -> str:
    return f"/api/tasks/{task_id}/history"


def api_task_reports(task_id: int) -> str:
    return f"/api/tasks/{task_id}/reports"


def tasks_xlsx(**filters: str | int | bool | None) -> str:
    """The Excel export of the tasks that match the filters (``lang`` zh or en among them)."""
    return "/api/tasks.xlsx" + _query(filters)


def api_overdue() -> str:
    return "/api/overdue"


def api_at_risk() -> str:
    return "/api/at-risk"


def api_body(code: str, quarter: str | None = None) -> str:
    return f"/api/bodies/{quote(code, safe='')}/owes" + _query({"quarter": quarter})


def api_report(report_id: int) -> str:
    return f"/api/reports/{report_id}"


def evidence(file_id: int) -> str:
    """The download of one evidence file."""
    return f"/api/evidence/{file_id}"


def api_projects(**filters: str | int | bool | None) -> str:
    return "/api/projects" + _query(filters)


def api_project(project_id: int) -> str:
    return f"/api/projects/{project_id}"


def api_project_reports(project_id: int) -> str:
    return f"/api/projects/{project_id}/reports"


def projects_geojson(**filters: str | int | bool | None) -> str:
    return "/api/projects.geojson" + _query(filters)
