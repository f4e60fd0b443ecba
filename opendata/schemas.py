"""What the open-data API takes and gives (pydantic schemas through django-ninja): the
OpenAPI document is generated from these, so each field says what it holds.

Only public figures leave: never an e-mail, a phone, a person's name other than a donor's
public one, a pupil, or a user's id (tests/opendata/test_no_personal_data.py walks them)."""

import re
from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator, model_validator

from needs.models import Category, Need
from schools.models import School

MAX_ID = 2**63 - 1
PAGE_DEFAULT, PAGE_MAX = 50, 200
CSV_DEFAULT, CSV_MAX = 1000, 5000

NeedStatus = Literal[tuple(str(s) for s in Need.PUBLIC_STATUSES)]  # type: ignore[valid-type]
CategoryValue = Literal[tuple(Category.values)]  # type: ignore[valid-type]
SchoolLevel = Literal[tuple(School.Level.values)]  # type: ignore[valid-type]
Id = Field(None, ge=1, le=MAX_ID)


# --- errors ---------------------------------------------------------------------------


class Error(Schema):
    detail: str = Field(description="What was wrong, in a sentence.")
    errors: dict[str, list[str]] = Field(default_factory=dict, description="Messages by parameter.")


# --- queries --------------------------------------------------------------------------


class Query(Schema):
    """Every list: a page of at most `limit` rows after `cursor` (from the previous page's
    `next_cursor`), ordered by id so a walk sees each row once."""

    limit: int = Field(PAGE_DEFAULT, ge=1, le=PAGE_MAX, description=f"Rows per page, 1 to {PAGE_MAX}.")
    cursor: str | None = Field(None, max_length=200, description="The `next_cursor` of the previous page.")

    @field_validator("*", mode="before")
    @classmethod
    def no_nul(cls, value):
        # PostgreSQL cannot hold a NUL character: refuse it here, with its parameter's name.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("Null characters are not allowed.")
        return value


class PlaceQuery(Query):
    province: int | None = Field(None, ge=1, le=MAX_ID, description="Id of a province (see `/schools`).")
    district: int | None = Field(None, ge=1, le=MAX_ID, description="Id of a district.")
    commune: int | None = Field(None, ge=1, le=MAX_ID, description="Id of a commune.")


class NeedQuery(PlaceQuery):
    q: str | None = Field(None, max_length=200, description="Words of the title, description, school or place.")
    category: CategoryValue | None = None
    level: SchoolLevel | None = Field(None, description="The school's level.")
    status: NeedStatus | None = Field(None, description="One public status; all of them when absent.")


class SchoolQuery(PlaceQuery):
    q: str | None = Field(None, max_length=200, description="Words of the name, code or place.")
    level: SchoolLevel | None = None


class FundQuery(Query):
    unit: int | None = Field(None, ge=1, le=MAX_ID, description="Funds of the offices in this place.")
    open: bool | None = Field(None, description="Only funds open (or closed) for gifts.")


class AllocationQuery(Query):
    fund: str | None = Field(None, max_length=80, pattern=r"^[-a-zA-Z0-9_]+$", description="A fund's slug.")


class DateRange(Schema):
    received_from: date | None = Field(None, alias="from", description="Received on or after (YYYY-MM-DD).")
    received_to: date | None = Field(None, alias="to", description="Received on or before (YYYY-MM-DD).")

    @field_validator("received_from", "received_to", mode="before")
    @classmethod
    def iso_date(cls, value):
        # Only YYYY-MM-DD: pydantic alone would read "0" as a timestamp (1 January 1970).
        if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError("Use a date as YYYY-MM-DD.")
        return value

    @model_validator(mode="after")
    def in_order(self):
        if self.received_from and self.received_to and self.received_from > self.received_to:
            raise ValueError("`from` is after `to`.")
        return self


class LedgerQuery(Query, DateRange):
    unit: int | None = Field(None, ge=1, le=MAX_ID, description="Gifts to schools and funds in this place.")
    school: int | None = Field(None, ge=1, le=MAX_ID, description="Gifts to this school's needs.")
    need: int | None = Field(None, ge=1, le=MAX_ID, description="Gifts to this need.")
    fund: str | None = Field(None, max_length=80, pattern=r"^[-a-zA-Z0-9_]+$", description="Gifts to this fund.")
    q: str | None = Field(
        None, max_length=100, description='A reference ("DU4K7M2P"), an amount ("1.250.000") or a donor\'s name.'
    )


class TotalsQuery(DateRange):
    unit: int | None = Field(None, ge=1, le=MAX_ID, description="Only gifts to schools and funds in this place.")

    @field_validator("*", mode="before")
    @classmethod
    def no_nul(cls, value):
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("Null characters are not allowed.")
        return value


def csv_query(query: type[Query]) -> type[Query]:
    """The same query for a CSV download: bigger pages."""
    return type(
        f"{query.__name__}Csv",
        (query,),
        {
            "__annotations__": {"limit": int},
            "limit": Field(CSV_DEFAULT, ge=1, le=CSV_MAX, description=f"Rows per file, 1 to {CSV_MAX}."),
        },
    )


# --- answers --------------------------------------------------------------------------


class Place(Schema):
    province_id: int
    province: str
    district_id: int | None
    district: str | None
    commune_id: int
    commune: str


class NeedOut(Place):
    id: int
    title: str
    category: str
    status: str
    school_id: int
    school: str
    pupils_benefiting: int
    urgency: int = Field(description="1 normal, 2 urgent, 3 very urgent.")
    wanted_by: date | None
    amount_requested: int = Field(description="VND.")
    amount_pledged: int = Field(description="VND promised by active pledges and allocations.")
    amount_received: int = Field(description="VND that arrived.")
    url: str


class ItemOut(Schema):
    description: str
    quantity: int
    unit: str
    unit_cost: int = Field(description="VND.")


class NeedDetailOut(NeedOut):
    description: str
    items: list[ItemOut]


class SiteOut(Schema):
    name: str
    village: str
    distance_km: float | None
    pupils: int
    electricity: str
    water_source: str
    toilet: str


class SchoolOut(Place):
    id: int
    code: str
    name: str
    level: str
    pupils: int
    ethnic_minority_percent: int | None
    boarding: str
    sites: list[SiteOut]
    url: str


class FundOut(Schema):
    id: int
    slug: str
    name: str
    office: str
    description: str
    is_open: bool
    amount_pledged: int
    amount_received: int
    amount_allocated: int
    balance: int = Field(description="Received and not yet allocated, VND.")
    url: str


class AllocationOut(Schema):
    id: int
    fund_slug: str
    fund: str
    need_id: int
    need: str
    school_id: int
    school: str
    amount: int = Field(description="VND.")
    decision: str | None = Field(description='The decision\'s number, e.g. "05/QĐ-PGDĐT".')
    decision_date: date | None
    approved_at: datetime | None


class LedgerOut(Schema):
    id: int
    reference: str = Field(description="The code the donor wrote on the transfer.")
    received_on: date | None
    kind: str = Field(description='"money" or "goods" (at their estimated value).')
    amount: int = Field(description="VND received.")
    need_id: int | None
    need_title: str | None
    fund_slug: str | None
    fund_name: str | None
    donor: str = Field(description='The donor\'s public name, or "ẩn danh".')
    anonymous: bool


class TotalOut(Schema):
    province_id: int
    province: str
    month: str = Field(description="YYYY-MM.")
    received: int = Field(description="VND received.")
    gifts: int


class Page(Schema):
    next_cursor: str | None = Field(description="Give it as `cursor` for the next page; null on the last.")
    limit: int


class NeedPage(Page):
    results: list[NeedOut]


class SchoolPage(Page):
    results: list[SchoolOut]


class FundPage(Page):
    results: list[FundOut]


class AllocationPage(Page):
    results: list[AllocationOut]


class LedgerPage(Page):
    results: list[LedgerOut]
