"""core/jobs: cancel, retry, remove and the order jobs run in, under CPython."""
from __future__ import annotations

import pytest

from backgrone.core import jobs


def started(queue: jobs.JobQueue) -> int:
    job = queue.start_next()
    assert job is not None
    return job.job_id


def test_cancel_a_queued_job_skips_it() -> None:
    queue = jobs.JobQueue()
    a, b, c = (queue.add(n, "lightweight") for n in ("a.jpg", "b.jpg", "c.jpg"))
    assert queue.cancel(b.job_id) == jobs.QUEUED
    assert b.state == jobs.CANCELLED
    assert started(queue) == a.job_id
    a.move(jobs.DONE)
    assert started(queue) == c.job_id


def test_cancel_the_running_job_frees_the_worker_for_the_next() -> None:
    queue = jobs.JobQueue()
    a, b = queue.add("a.jpg", "x"), queue.add("b.jpg", "x")
    assert started(queue) == a.job_id
    assert queue.cancel(a.job_id) == jobs.RUNNING
    assert queue.running() is None
    assert started(queue) == b.job_id


def test_finished_jobs_cannot_be_cancelled() -> None:
    queue = jobs.JobQueue()
    a = queue.add("a.jpg", "x")
    started(queue)
    a.move(jobs.DONE)
    assert queue.cancel(a.job_id) == ""
    assert queue.cancel(42) == ""
    assert a.state == jobs.DONE


def test_retry_puts_a_failed_or_cancelled_job_at_the_back_of_the_line() -> None:
    queue = jobs.JobQueue()
    a, b, c = (queue.add(n, "x") for n in ("a.jpg", "b.jpg", "c.jpg"))
    started(queue)
    a.message = "boom"
    a.progress = 0.5
    a.move(jobs.FAILED)
    queue.cancel(b.job_id)
    assert queue.retry(a.job_id) and queue.retry(b.job_id)
    assert (a.state, a.progress, a.message) == (jobs.QUEUED, 0.0, "")
    order = []
    for _ in range(3):
        job_id = started(queue)
        order.append(job_id)
        job = queue.find(job_id)
        assert job is not None
        job.move(jobs.DONE)
    assert order == [c.job_id, a.job_id, b.job_id]
    assert a.attempts == 2 and c.attempts == 1 and b.attempts == 1


def test_only_failed_or_cancelled_jobs_can_be_retried() -> None:
    queue = jobs.JobQueue()
    a = queue.add("a.jpg", "x")
    assert not queue.retry(a.job_id)
    started(queue)
    assert not queue.retry(a.job_id)
    a.move(jobs.DONE)
    assert not queue.retry(a.job_id)
    assert not queue.retry(99)


def test_remove_refuses_the_running_job() -> None:
    queue = jobs.JobQueue()
    a, b = queue.add("a.jpg", "x"), queue.add("b.jpg", "x")
    started(queue)
    assert not queue.remove(a.job_id)
    assert queue.remove(b.job_id)
    assert queue.find(b.job_id) is None and [j.job_id for j in queue.jobs] == [a.job_id]
    queue.cancel(a.job_id)
    assert queue.remove(a.job_id) and queue.jobs == []
    assert not queue.remove(a.job_id)


def test_ids_are_never_reused_after_removal() -> None:
    queue = jobs.JobQueue()
    a = queue.add("a.jpg", "x")
    queue.remove(a.job_id)
    assert queue.add("b.jpg", "x").job_id != a.job_id


@pytest.mark.parametrize("state,allowed", [
    (jobs.QUEUED, {jobs.RUNNING, jobs.FAILED, jobs.CANCELLED}),
    (jobs.RUNNING, {jobs.DONE, jobs.FAILED, jobs.CANCELLED}),
    (jobs.DONE, set()),
    (jobs.FAILED, {jobs.QUEUED}),
    (jobs.CANCELLED, {jobs.QUEUED}),
])
def test_transition_table(state: str, allowed: set[str]) -> None:
    for target in jobs.STATES:
        job = jobs.Job(1, "a.jpg", "x")
        job.state = state
        if target in allowed:
            job.move(target)
            assert job.state == target
        else:
            with pytest.raises(ValueError):
                job.move(target)


def test_summary_and_counts() -> None:
    queue = jobs.JobQueue()
    assert queue.summary() == "No images yet"
    a, b, c, d = (queue.add(n, "x") for n in ("a", "b", "c", "d"))
    started(queue)
    a.move(jobs.DONE)
    started(queue)
    b.move(jobs.FAILED)
    queue.cancel(c.job_id)
    assert queue.summary() == "1 of 4 done, 1 failed, 1 cancelled, 1 to go"
    assert queue.counts() == [1, 0, 1, 1]
    assert queue.count(jobs.CANCELLED) == 1
    assert queue.finished_ids() == [a.job_id, b.job_id, c.job_id]
    assert not d.finished() and d.can_cancel() and not d.can_retry()


def test_a_job_holds_its_photo_and_settings() -> None:
    from backgrone.core.devices import DEVICE_AUTO, DEVICE_CPU
    from backgrone.core.protocol import REFINE_DEFAULT

    queue = jobs.JobQueue()
    photo = object()
    job = queue.add("a.jpg", "lightweight", photo, not REFINE_DEFAULT, DEVICE_CPU)
    assert (job.photo, job.engine, job.refine, job.device) == (photo, "lightweight", not REFINE_DEFAULT,
                                                               DEVICE_CPU)
    plain = queue.add("b.jpg", "precision")
    assert (plain.photo, plain.refine, plain.device) == (None, REFINE_DEFAULT, DEVICE_AUTO)
    # A retry runs the same photo with the same settings.
    job.move(jobs.RUNNING)
    job.move(jobs.FAILED)
    assert queue.retry(job.job_id) and job.photo is photo and job.device == DEVICE_CPU
