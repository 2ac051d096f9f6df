"""When and how long to wait before sending a request again.

The decisions live here, free of I/O, so the sync and async clients share
them and differ only in how they send and sleep.
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

__all__ = ["Attempts", "RetryPolicy", "retry_after"]

#: Statuses worth another try: timeout, conflict (often a lock), rate limit; and >= 500.
_RETRY_STATUSES = frozenset({408, 409, 429})


class RetryPolicy:
    """How long to wait between attempts.

    Without a usable ``Retry-After`` the delay is
    ``initial * 2**attempt``, at most ``max_delay``, minus up to 25 % jitter
    (so that many clients rate-limited together do not come back together).
    ``Retry-After`` (seconds or an HTTP date; ``retry-after-ms`` too) is
    honoured up to ``max_retry_after``.
    """

    __slots__ = ("initial", "max_delay", "max_retry_after")

    def __init__(
        self, initial: float, max_delay: float, max_retry_after: float
    ) -> None:
        self.initial = initial
        self.max_delay = max_delay
        self.max_retry_after = max_retry_after

    @staticmethod
    def should_retry(response: httpx.Response) -> bool:
        """Whether a non-2xx ``response`` is worth another attempt.

        A server may decide for us with ``x-should-retry: true|false``.
        """
        override = response.headers.get("x-should-retry")
        if override == "true":
            return True
        if override == "false":
            return False
        status = response.status_code
        return status in _RETRY_STATUSES or status >= 500

    def delay(self, response: httpx.Response | None, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt + 1`` (``attempt`` counts from 0)."""
        if response is not None:
            after = retry_after(response.headers)
            if after is not None:
                return min(max(after, 0.0), self.max_retry_after)
        delay = min(self.initial * (2.0**attempt), self.max_delay)
        return delay * (1.0 - 0.25 * random.random())


def retry_after(headers: httpx.Headers) -> float | None:
    """The wait the server asks for, in seconds, or ``None`` when it asks for none we can read.

    ``retry-after-ms`` (milliseconds), then ``Retry-After`` as seconds or as
    an HTTP date (the wait is then the time until that date; negative when it
    has passed).
    """
    ms = headers.get("retry-after-ms")
    if ms is not None:
        value = _finite(ms)
        if value is not None:
            return value / 1000.0
    text = headers.get("retry-after")
    if text is None:
        return None
    seconds = _finite(text)
    if seconds is not None:
        return seconds
    parsed = email.utils.parsedate_tz(text)
    if parsed is None:
        return None
    return email.utils.mktime_tz(parsed) - time.time()


def _finite(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    # "nan" and "inf" parse as floats but are no wait at all.
    return value if math.isfinite(value) else None


class Attempts:
    """The retry budget of one call: shared by its sends and by its stream's re-send.

    ``used`` counts the retries made so far.
    """

    __slots__ = ("policy", "retries", "used")

    def __init__(self, policy: RetryPolicy, retries: int) -> None:
        self.policy = policy
        self.retries = retries
        self.used = 0

    def next_delay(self, response: httpx.Response | None) -> float | None:
        """The wait before another attempt, or ``None`` when there is to be none.

        ``response`` is the failed response, or ``None`` after a connection
        error. Each non-``None`` answer uses up one retry.
        """
        if self.used >= self.retries:
            return None
        if response is not None and not self.policy.should_retry(response):
            return None
        delay = self.policy.delay(response, self.used)
        self.used += 1
        return delay
