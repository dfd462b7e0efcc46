"""A job for an extraction worker that also says how much memory the worker used: ``benchmarks.hostile_faults``
submits it to an ``ExtractionPool`` (a worker imports a job's function by module name, so it lives here and
not in the benchmark run as ``__main__``)."""

from __future__ import annotations

from etl.pipeline.workers import ExtractJob, ExtractOutcome, extract_page


def extract_with_peak_rss(job: ExtractJob) -> tuple[ExtractOutcome, int]:
    """``extract_page(job)`` and the worker's peak resident set size since it started (``VmHWM``), in KiB
    (0 where ``/proc`` does not say)."""
    outcome = extract_page(job)
    return outcome, peak_rss_kib()


def peak_rss_kib() -> int:
    """This process's peak resident set size in KiB (``VmHWM`` of ``/proc/self/status``), 0 if unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0
