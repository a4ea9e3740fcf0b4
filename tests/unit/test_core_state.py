"""core/ engines, jobs, protocol and the error catalogue under CPython."""
from __future__ import annotations

import pytest

from backgrone.core import jobs, errors, protocol
from backgrone.core.engines import DEFAULT_ENGINE, ENGINES, find_engine


def test_engine_table_is_complete_and_unique() -> None:
    ids = [engine.engine_id for engine in ENGINES]
    assert ids == ["precision", "lightweight", "balanced"]
    assert find_engine(DEFAULT_ENGINE).engine_id == "precision"
    assert find_engine("precision").size_bytes == 88188479
    assert find_engine("lightweight").size_bytes == 44553730
    for engine in ENGINES:
        assert engine.input_size == 1024 and engine.input_name == "input" and engine.output_name == "output"


def test_unknown_engine_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="precision, lightweight, balanced"):
        find_engine("turbo")


def test_queue_runs_one_job_at_a_time_in_order() -> None:
    queue = jobs.JobQueue()
    a, b = queue.add("a.jpg", "precision"), queue.add("b.jpg", "precision")
    assert queue.start_next() is a and a.state == jobs.RUNNING
    assert queue.start_next() is None
    a.move(jobs.DONE)
    assert queue.start_next() is b
    b.move(jobs.FAILED)
    assert queue.counts() == [0, 0, 1, 1]
    assert queue.find(b.job_id) is b and queue.find(99) is None


def test_illegal_transitions_are_refused() -> None:
    job = jobs.JobQueue().add("a.jpg", "precision")
    with pytest.raises(ValueError):
        job.move(jobs.DONE)
    job.move(jobs.RUNNING)
    job.move(jobs.DONE)
    with pytest.raises(ValueError):
        job.move(jobs.RUNNING)


@pytest.mark.parametrize("name,expected", [
    ("photo.jpg", "photo-nobg.png"), ("my.holiday.webp", "my.holiday-nobg.png"),
    ("noext", "noext-nobg.png"), (".env", ".env-nobg.png"), ("", "image-nobg.png"),
])
def test_output_name(name: str, expected: str) -> None:
    assert jobs.output_name(name) == expected


def test_stage_fraction_is_monotonic_across_stages() -> None:
    values = [protocol.stage_fraction(stage, part, 1) for stage in protocol.STAGES for part in (0, 0.5, 1)]
    assert values == sorted(values) and values[0] == 0 and values[-1] == 1


def test_every_message_code_has_a_catalogue_entry() -> None:
    codes = [value for name, value in vars(errors).items() if name.isupper() and isinstance(value, str)]
    assert len(codes) >= 10
    for code in codes:
        assert code in errors.CATALOGUE, code
    assert errors.message_for("no-such-code", "") == errors.CATALOGUE[errors.INTERNAL]
    assert errors.message_for(errors.EMPTY_FILE, "0 bytes").endswith("(0 bytes)")
