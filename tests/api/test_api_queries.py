"""A list page costs the same number of queries with 10 items in the database as with 1,000:
every relation is loaded eagerly (selectinload / joinedload), seats counted in one query."""

import pytest

from tests.api.openapi_check import api_get
from tests.calendar.test_feeds import _grow_tour, count_queries

LISTS = [
    "/api/v1/stops",
    "/api/v1/round-tables",
    "/api/v1/workshops",
    "/api/v1/speakers",
    "/api/v1/territories",
    "/api/v1/challenges",
    "/api/v1/tours",
]


def test_query_counts_stay_constant_from_ten_to_a_thousand_items(app, client, world):
    def queries(url: str) -> tuple[int, int]:
        with count_queries(app) as statements:
            body = api_get(client, url + "?per_page=100")
        return len(statements), len(body["items"])

    # 4 stops, 4 round tables, 4 workshops: about 10 items
    _grow_tour(app, world, 4)
    small = {url: queries(url) for url in LISTS}
    # 334 more of each: more than 1,000 items, full pages of 100
    _grow_tour(app, world, 334)
    large = {url: queries(url) for url in LISTS}
    for url in ("/api/v1/stops", "/api/v1/round-tables", "/api/v1/workshops"):
        assert small[url][1] < 10 and large[url][1] == 100, (url, small[url], large[url])
    assert {url: n for url, (n, _) in large.items()} == {url: n for url, (n, _) in small.items()}


@pytest.mark.parametrize("url", ["/api/v1/stops/{stop}", "/api/v1/workshops/{workshop}"])
def test_an_item_costs_a_few_queries(app, client, world, url):
    _grow_tour(app, world, 4)
    stops = api_get(client, "/api/v1/stops")["items"]
    workshops = api_get(client, "/api/v1/workshops")["items"]
    with count_queries(app) as statements:
        api_get(client, url.format(stop=stops[0]["id"], workshop=workshops[0]["id"]))
    assert len(statements) <= 8, statements
