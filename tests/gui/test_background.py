"""The one way to run background work: tasks, their owner, stopping and stragglers."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject, QThread, Signal, Slot

from app import background
from app.background import BackgroundWork, Task
from app.one_at_a_time import OneAtATime


class Recorder(QObject):
    """A GUI-thread receiver that notes what reached it, and in which thread."""

    done = Signal()

    def __init__(self, task: Task) -> None:
        super().__init__()
        self.seen: list[object] = []
        self.threads: set[QThread] = set()
        task.yielded.connect(self.on_item)
        task.failed.connect(self.on_failed)
        task.finished.connect(self.on_finished)

    @Slot(object)
    def on_item(self, item: object) -> None:
        self.seen.append(item)
        self.threads.add(QThread.currentThread())

    @Slot(str)
    def on_failed(self, message: str) -> None:
        self.seen.append(("failed", message))

    @Slot()
    def on_finished(self) -> None:
        self.seen.append("finished")
        self.done.emit()


def test_items_reach_the_gui_thread_in_order_and_finished_comes_last(qtbot) -> None:  # noqa: ANN001
    work = BackgroundWork()
    worker_threads: list[QThread] = []

    def count() -> Iterator[int]:
        worker_threads.append(QThread.currentThread())
        yield from range(5)

    task = Task("count", count)
    seen = Recorder(task)
    with qtbot.waitSignal(seen.done, timeout=10_000):
        work.start(task)
    assert seen.seen == [0, 1, 2, 3, 4, "finished"]
    assert seen.threads == {QThread.currentThread()}
    assert worker_threads and worker_threads[0] is not QThread.currentThread()
    assert task.has_ended() and not task.is_running() and work.tasks() == []


def test_a_failing_task_is_one_line_then_finished(qtbot) -> None:  # noqa: ANN001
    def broken() -> Iterator[int]:
        yield 1
        raise ValueError("no such dataset")

    def buggy() -> Iterator[int]:
        raise ZeroDivisionError("division by zero")
        yield 0

    work = BackgroundWork()
    for work_fn, line in ((broken, "no such dataset"),
                          (buggy, "ZeroDivisionError: division by zero")):
        task = Task("broken", work_fn)
        seen = Recorder(task)
        with qtbot.waitSignal(seen.done, timeout=10_000):
            work.start(task)
        assert seen.seen[-2:] == [("failed", line), "finished"]


def test_stop_breaks_work_without_a_stop_of_its_own_between_items(qtbot) -> None:  # noqa: ANN001
    gate = threading.Event()

    def endless() -> Iterator[int]:
        n = 0
        while True:
            gate.wait(5)
            yield n
            n += 1

    work = BackgroundWork()
    task = Task("endless", endless)
    seen = Recorder(task)
    work.start(task)
    task.stop()
    gate.set()
    assert work.stop([task], timeout_ms=5000)  # delivers what was queued, finished last
    assert seen.seen[-1] == "finished" and len(seen.seen) <= 3
    assert task.stop_requested() and work.tasks() == []


def test_stop_all_gives_up_a_task_that_does_not_stop_and_waits_for_it_before_quitting(
        qtbot) -> None:  # noqa: ANN001
    release = threading.Event()
    stops: list[str] = []

    def stubborn() -> Iterator[str]:
        yield "started"
        release.wait(30)  # deaf to its stop, like a long evaluation step
        yield "late"

    work = BackgroundWork()
    task = Task("stubborn", stubborn, stop=lambda: stops.append("asked"))
    seen = Recorder(task)
    closed: list[bool] = []
    work.at_stop(lambda: closed.append(not task.is_running() or task in work.tasks()))
    work.start(task)
    qtbot.waitUntil(lambda: seen.seen == ["started"], timeout=10_000)

    assert not work.stop_all(timeout_ms=50, kill_after_ms=50)
    assert stops == ["asked", "asked"]  # stop, then kill (the same for work with no kill)
    assert closed == [True]  # the closers ran after the tasks had their chance
    assert work.tasks() == [task]  # kept referenced: Qt never destroys a running thread
    release.set()
    assert work.wait_for_stragglers(10_000)
    assert work.tasks() == []
    assert seen.seen == ["started", "finished"]  # given up: "late" reached no one


def test_the_application_has_one_owner() -> None:
    assert background.owner() is background.owner()


def test_one_at_a_time_announces_its_task_and_is_free_again_when_it_gives_one_up(
        qtbot) -> None:  # noqa: ANN001
    release = threading.Event()

    def stubborn() -> Iterator[str]:
        release.wait(30)
        yield "late"

    slot = OneAtATime()
    announced: list[Task] = []
    changes: list[bool] = []
    slot.run_created.connect(announced.append)  # GUI thread: emitted by launch
    slot.running_changed.connect(changes.append)
    task = slot.launch(Task("stubborn", stubborn))
    assert announced == [task] and changes == [True] and slot.current() is task
    with pytest.raises(RuntimeError):
        slot.launch(Task("second", stubborn))
    assert not slot.shutdown(timeout_ms=50, kill_after_ms=50)
    assert changes == [True, False] and not slot.is_running()
    release.set()
    assert background.wait_for_stragglers(10_000)
    assert changes == [True, False]  # its late finished says nothing more


def test_one_long_call_sees_its_task_asked_to_stop(qtbot) -> None:  # noqa: ANN001
    entered, asked = threading.Event(), threading.Event()

    def long_call() -> Iterator[str]:
        before = background.stop_requested()
        entered.set()
        asked.wait(10)
        yield "stopped" if background.stop_requested() and not before else "not told"

    work = BackgroundWork()
    task = Task("long", long_call)
    seen = Recorder(task)
    work.start(task)
    assert entered.wait(10)
    task.stop()
    asked.set()
    assert work.stop([task], timeout_ms=10_000)
    assert seen.seen == ["stopped", "finished"]
    assert not background.stop_requested()  # outside a task: never
