"""Writing many new rows at once: PostgreSQL's COPY where the database has it,
`bulk_create` elsewhere.

Django's `bulk_create` spends most of a large insert in Python, preparing every value of
every row through its field and building one long INSERT per batch: for the 100,000-row
import that was three quarters of the time (businesses, their history rows and their
summary rows). COPY takes the rows as text in one stream. The rows are the same either
way: the same columns, `auto_now_add` stamped, the primary keys set on the objects when
asked for, the database's constraints checked (a clash raises IntegrityError, as
`bulk_create` does), nothing sent to signals (as `bulk_create`).
"""

from __future__ import annotations

import datetime
import decimal
import io
import uuid
from collections.abc import Iterable, Iterator, Sequence

from django.db import connection
from django.db.models import AutoField, BigAutoField, SmallAutoField
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

_AUTO = (AutoField, BigAutoField, SmallAutoField)
_CHUNK = 10_000  # rows a COPY statement carries
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def insert(model, objs: Sequence, *, with_ids: bool = False) -> None:
    """INSERT these unsaved objects. `with_ids`: give each its primary key (the model's
    own sequence), as `bulk_create` does on PostgreSQL."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs, batch_size=2000)
        return
    meta = model._meta
    fields = list(meta.concrete_fields)
    if isinstance(meta.pk, _AUTO) and any(o.pk is None for o in objs):
        if with_ids:
            _take_ids(meta, [o for o in objs if o.pk is None])
        elif all(o.pk is None for o in objs):
            fields.remove(meta.pk)
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                field.pre_save(obj, add=True)
    _copy(meta.db_table, fields, ([getattr(o, f.attname) for f in fields] for o in objs))
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def insert_values(model, names: Sequence[str], rows: Sequence[Sequence]) -> None:
    """INSERT rows given as tuples of values for the fields `names` (attnames), without
    building a model instance per row; the model's defaults are not applied."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            [model(**dict(zip(names, row, strict=True))) for row in rows], batch_size=2000
        )
        return
    fields = [model._meta.get_field(name) for name in names]
    if any(f.attname != name for f, name in zip(fields, names, strict=True)):
        raise ValueError("core.bulk.insert_values takes attnames (commitment_id, not commitment)")
    _copy(model._meta.db_table, fields, rows)


def insert_with_history(model, objs: Sequence, *, user, reason: str) -> None:
    """`insert` with each object's «+» history row in django-simple-history's table: the
    columns simple_history's own `bulk_create_with_history` fills, with the same values."""
    if connection.vendor != "postgresql":
        bulk_create_with_history(objs, model, batch_size=2000, default_user=user, default_change_reason=reason)
        return
    insert(model, objs, with_ids=True)
    history = model.history.model
    stamp = {
        "history_date": timezone.now(),
        "history_user_id": user.pk if user is not None else None,
        "history_change_reason": reason,
        "history_type": "+",
    }
    fields = [f for f in history._meta.concrete_fields if f is not history._meta.pk]
    tracked = {f.attname for f in history.tracked_fields}
    unknown = {f.attname for f in fields} - tracked - set(stamp)
    if unknown:
        raise TypeError(f"core.bulk does not know how to fill {sorted(unknown)} of {history.__name__}")
    _copy(
        history._meta.db_table,
        fields,
        ([stamp[f.attname] if f.attname in stamp else getattr(o, f.attname) for f in fields] for o in objs),
    )


def _copy(table: str, fields: list, rows: Iterable[list]) -> None:
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN"
    # wrap_database_errors: psycopg's own errors become Django's (IntegrityError), as for any query.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        for chunk in _batched(rows):
            text = "".join("\t".join(_text(f, v) for f, v in zip(fields, row, strict=True)) + "\n" for row in chunk)
            cursor.copy_expert(sql, io.StringIO(text))


def _batched(rows: Iterable[list]) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _take_ids(meta, objs: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk


def _text(field, value) -> str:
    """One value in COPY's text format."""
    convert = _BY_TYPE.get(type(value))
    if convert is not None:
        return convert(value)
    if isinstance(value, datetime.datetime):
        return _datetime(value)
    if isinstance(value, bool | int | decimal.Decimal | uuid.UUID | str | datetime.date):
        return _BY_TYPE[next(t for t in _BY_TYPE if isinstance(value, t))](value)
    prepared = field.get_db_prep_save(value, connection)
    if prepared is value:
        raise TypeError(f"core.bulk cannot write {type(value).__name__} to {field}; use bulk_create")
    return _text(field, prepared)


def _datetime(value: datetime.datetime) -> str:
    return (timezone.make_aware(value) if timezone.is_naive(value) else value).isoformat()


_BY_TYPE = {
    type(None): lambda v: "\\N",
    bool: lambda v: "t" if v else "f",
    int: str,
    decimal.Decimal: str,
    uuid.UUID: str,
    str: lambda v: v.translate(_ESCAPES),
    datetime.datetime: _datetime,
    datetime.date: datetime.date.isoformat,
}
