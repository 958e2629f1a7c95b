"""Databases for the job-system tests: a SQLite file, and the machine's PostgreSQL and Redis."""
from __future__ import annotations

import socket
import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support import require  # noqa: E402

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def pg_url():
    """A fresh PostgreSQL database, dropped afterwards."""
    require(_reachable("127.0.0.1", 5432), "PostgreSQL is not running on 127.0.0.1:5432 (.ci/run starts it)")
    import psycopg

    name = f"draftrender_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    from sqlalchemy import create_engine  # noqa: F401 — engines are per process; drop with force
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis_url():
    """A Redis database number of its own, emptied before and after."""
    require(_reachable(REDIS_HOST, REDIS_PORT), "Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    import redis

    url = f"redis://{REDIS_HOST}:{REDIS_PORT}/13"
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
