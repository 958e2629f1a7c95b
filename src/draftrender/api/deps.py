"""Dependency aliases for routes: settings and the services built once per app."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ..editing.service import EditingService
from ..jobs.service import JobService
from ..settings import Settings


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_editing(request: Request) -> EditingService:
    return request.app.state.editing


def get_jobs(request: Request) -> JobService:
    return request.app.state.jobs


SettingsDep = Annotated[Settings, Depends(get_settings)]
EditingDep = Annotated[EditingService, Depends(get_editing)]
JobsDep = Annotated[JobService, Depends(get_jobs)]
