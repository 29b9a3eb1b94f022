"""After its time to live the signed-in cache asks the database for the person's row with one plain query,
and keeps its object only while that row is unchanged (crowd/user_cache.py)."""

from sqlalchemy import text

from crowd.models import Access
from crowd.security import _read_row, _read_user
from crowd.user_cache import UserCache


def test_an_unchanged_row_keeps_the_object_and_a_change_no_event_saw_reloads_it(person, db):
    ann = person("ann@example.org")
    cache = UserCache(ttl=0)  # always past its time to live: every get asks the database
    loads = []

    def load(pid):
        loads.append(pid)
        return _read_user(db, pid)

    def row(pid):
        return _read_row(db, pid)

    first = cache.get(ann.id, load, row)
    assert cache.get(ann.id, load, row) is first
    assert loads == [ann.id]
    with db.engine.begin() as connection:  # another process takes the role away: no ORM event here
        connection.execute(text("UPDATE participant SET access = 'LEAD' WHERE id = :id"), {"id": ann.id})
    again = cache.get(ann.id, load, row)
    assert loads == [ann.id, ann.id]
    assert again.access == Access.LEAD
