"""London's 33 local authority areas and their squares on a tile map.

The grid is hard-coded in the style of the "London squared" map (After the Flood, used by the
London Datastore): one equal square per borough, roughly where it lies, City of London in the middle.
(column, row), row 0 at the top.
"""

from __future__ import annotations

OUTSIDE_LONDON = "Outside London"

TILES: dict[str, tuple[int, int]] = {
    "Enfield": (4, 0),
    "Harrow": (2, 1),
    "Barnet": (3, 1),
    "Haringey": (4, 1),
    "Waltham Forest": (5, 1),
    "Hillingdon": (0, 2),
    "Ealing": (1, 2),
    "Brent": (2, 2),
    "Camden": (3, 2),
    "Islington": (4, 2),
    "Hackney": (5, 2),
    "Redbridge": (6, 2),
    "Havering": (7, 2),
    "Hounslow": (0, 3),
    "Hammersmith and Fulham": (1, 3),
    "Kensington and Chelsea": (2, 3),
    "Westminster": (3, 3),
    "City of London": (4, 3),
    "Tower Hamlets": (5, 3),
    "Newham": (6, 3),
    "Barking and Dagenham": (7, 3),
    "Richmond upon Thames": (1, 4),
    "Wandsworth": (2, 4),
    "Lambeth": (3, 4),
    "Southwark": (4, 4),
    "Lewisham": (5, 4),
    "Greenwich": (6, 4),
    "Bexley": (7, 4),
    "Kingston upon Thames": (2, 5),
    "Merton": (3, 5),
    "Croydon": (4, 5),
    "Bromley": (5, 5),
    "Sutton": (3, 6),
}

# Three-letter labels for the tiles.
ABBREVIATIONS: dict[str, str] = {
    "Enfield": "ENF",
    "Harrow": "HRW",
    "Barnet": "BAR",
    "Haringey": "HGY",
    "Waltham Forest": "WFO",
    "Hillingdon": "HDN",
    "Ealing": "EAL",
    "Brent": "BRE",
    "Camden": "CAM",
    "Islington": "ISL",
    "Hackney": "HCK",
    "Redbridge": "RED",
    "Havering": "HAV",
    "Hounslow": "HNS",
    "Hammersmith and Fulham": "HMS",
    "Kensington and Chelsea": "KEN",
    "Westminster": "WST",
    "City of London": "CTY",
    "Tower Hamlets": "TOW",
    "Newham": "NWM",
    "Barking and Dagenham": "BAR&D",
    "Richmond upon Thames": "RCH",
    "Wandsworth": "WND",
    "Lambeth": "LAM",
    "Southwark": "SWK",
    "Lewisham": "LSH",
    "Greenwich": "GRN",
    "Bexley": "BXL",
    "Kingston upon Thames": "KNG",
    "Merton": "MRT",
    "Croydon": "CRD",
    "Bromley": "BRM",
    "Sutton": "STN",
}
ABBREVIATIONS["Barking and Dagenham"] = "BAD"

LONDON_BOROUGHS: tuple[str, ...] = tuple(sorted(TILES))
