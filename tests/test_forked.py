"""Forked jobs: every job runs once, in a child; results and failures come back whole."""

from __future__ import annotations

import os

import pytest

from yearbook import forked


def test_every_job_runs_once_in_a_child_and_its_result_comes_back() -> None:
    parent = os.getpid()
    jobs = [lambda i=i: (i, os.getpid()) for i in range(7)]
    results = dict(forked.Jobs(jobs, workers=2).results())
    assert sorted(results) == list(range(7))
    assert all(value[0] == i and value[1] != parent for i, value in results.items())
    assert len({pid for _, pid in results.values()}) <= 2


def test_large_results_from_two_children_do_not_block_each_other() -> None:
    big = [lambda i=i: bytes([i]) * (3 << 20) for i in range(4)]  # 3 MB each: far more than a pipe holds
    results = dict(forked.Jobs(big, workers=2).results())
    assert {i: (len(v), v[:1]) for i, v in results.items()} == {i: (3 << 20, bytes([i])) for i in range(4)}


def test_a_failing_job_is_raised_in_the_parent_after_the_others_come_back() -> None:
    def fails() -> None:
        raise ValueError("no such edition")

    jobs = [lambda: "a", fails, lambda: "c"]
    got = []
    with pytest.raises(forked.ForkedJobError, match="ValueError: no such edition"):
        for item in forked.Jobs(jobs, workers=1).results():
            got.append(item)
    assert got == [(0, "a")]  # the child stops at the failure; nothing is left half-done silently


def test_a_child_that_dies_is_reported() -> None:
    with pytest.raises(forked.ForkedJobError, match="exited with 3"):
        list(forked.Jobs([lambda: os._exit(3)], workers=1).results())
