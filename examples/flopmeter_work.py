"""Report work to `flopmeter measure` (standard library only).

    from flopmeter_work import work, latency, mark_warmup_done
    mark_warmup_done()          # everything before this is warm-up
    work(512)                   # 512 units of work (the unit: --work-unit)
    latency(0.153)              # one request took 0.153 s

Outside `flopmeter measure` (no FLOPMETER_WORK_FD / FLOPMETER_WORK_FILE) every call does nothing.
"""
import json
import os


def _open():
    fd = os.environ.get("FLOPMETER_WORK_FD")
    if fd is not None:
        try:
            return os.fdopen(int(fd), "w", buffering=1)
        except (OSError, ValueError):
            pass
    path = os.environ.get("FLOPMETER_WORK_FILE")
    return open(path, "w", buffering=1) if path else None


_channel = _open()


def _send(obj):
    if _channel is not None:
        _channel.write(json.dumps(obj) + "\n")


def work(units):
    """Adds `units` (a non-negative integer) units of work."""
    _send({"work": int(units)})


def latency(seconds):
    """Records one request's latency, in seconds."""
    _send({"latency": float(seconds)})


def latencies(seconds_list):
    """Records several requests' latencies, in seconds."""
    _send({"latencies": [float(s) for s in seconds_list]})


def mark_warmup_done():
    """Starts the measured part: what came before is warm-up."""
    _send({"mark": "warmup-done"})
