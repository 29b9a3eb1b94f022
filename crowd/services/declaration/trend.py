"""One organisation's values of one outcome over periods, laid out for a small line chart.

The chart is drawn by the template (`partials/decl_trend.html`) from plain coordinates made here: the
values in period order, the baseline and the target as horizontal lines, all scaled into one frame.
Ratings without a value (met / partly / not yet) have no point; a period with none leaves a gap.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, PAD = 160, 48, 6


@dataclass(frozen=True)
class Point:
    period: str
    value: float
    x: float
    y: float


@dataclass(frozen=True)
class Trend:
    points: list[Point]
    baseline_y: float | None
    target_y: float | None
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def path(self) -> str:
        return " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(self.points))


def build_trend(
    values: list[tuple[str, float | None]], *, baseline: float | None, target: float | None
) -> Trend | None:
    """`values` in period order; None where the period has no number. None when nothing can be drawn."""
    numbers = [v for _, v in values if v is not None]
    if not numbers:
        return None
    scale = numbers + [v for v in (baseline, target) if v is not None]
    low, high = min(scale), max(scale)
    if high == low:
        low, high = low - 1, high + 1
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)

    def y_of(value: float) -> float:
        return PAD + (high - value) / (high - low) * (HEIGHT - 2 * PAD)

    points = [
        Point(period, value, PAD + i * step if len(values) > 1 else WIDTH / 2, y_of(value))
        for i, (period, value) in enumerate(values)
        if value is not None
    ]
    return Trend(
        points,
        None if baseline is None else y_of(baseline),
        None if target is None else y_of(target),
    )
