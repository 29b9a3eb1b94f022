"""The map's frame holds the crowd; far-off participants are drawn at its edge with an arrow."""

from __future__ import annotations

import re

import numpy as np

import opinions
from crowd.services.opinions import map as maps
from crowd.services.opinions import runs


def test_two_outliers_do_not_squeeze_everyone_into_a_corner():
    rng = np.random.default_rng(1)
    crowd = [opinions.Point(i, float(x), float(y), 0) for i, (x, y) in enumerate(rng.normal(size=(200, 2)))]
    far = [opinions.Point(900, 80.0, 0.0, 0), opinions.Point(901, -3.0, -60.0, 0)]
    frame = maps.Frame.around(crowd + far)

    placed = [frame.place(p.x, p.y) for p in crowd]
    xs = [x for x, _, _ in placed]
    assert max(xs) - min(xs) > 0.6 * (maps.SVG_WIDTH - 2 * maps.SVG_PAD)  # the crowd fills the frame
    assert sum(1 for *_, d in placed if d) <= 10  # a few of the crowd's own edge at most
    for p, (dx, dy) in ((far[0], (1, 0)), (far[1], (0, 1))):  # svg y grows downwards
        x, y, direction = frame.place(p.x, p.y)
        assert direction is not None and maps.SVG_PAD <= x <= maps.SVG_WIDTH - maps.SVG_PAD
        assert maps.SVG_PAD <= y <= maps.SVG_HEIGHT - maps.SVG_PAD
        assert direction[0] * dx + direction[1] * dy > 0.7  # the arrow points the way they lie


def test_the_page_draws_outlines_and_sizes_of_the_groups(client, db, camps):
    runs.start_run(db, workshop_id=camps.workshop.id, actor_id=None)
    html = client.get(f"/w/{camps.workshop.slug}/opinions").text

    assert len(re.findall(r'<path class="opinion-group-outline" data-group="[ABC]"', html)) == 3
    assert re.search(r">A<tspan[^>]*>8</tspan>", html)  # letter and size at the group's centre
