"""The slice of a unit's institutions that the entry page shows at a time.

A unit of hundreds of institutions (Sở GD&ĐT's school libraries) cannot be
drawn whole: 1,740 institutions made a 5.6 MB page. The page shows one
category, or all of them, a page of `PAGE_SIZE` institutions at a time, or
those whose code or name holds the words searched; what concerns the whole
submission (progress, what is still missing, submit, uploads, history) is
read from the whole unit's directory (`selectors.institution_directory`).
The slice is in the address (`?category=…&q=…&missing=1&page=…`), so a save
lands back on it and a link can name it. A unit that fits on one page shows
whole, as it always did.

Bad values never fail the page: each falls back to what is sensible (every
category, page 1, the last page) and says so in Vietnamese.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _

from indicators.selectors import DirectoryEntry
from indicators.services import RowProblem
from institutions.paging import PageLink, page_links

PAGE_SIZE = 50  # institutions per page: about 190 KB of inputs
QUERY_MAX = 100  # characters of a search kept
PROBLEMS_SHOWN = 30  # a refused submit lists this many, then counts the rest


def fold(text: str) -> str:
    """Text as the search compares it: lower case, without tone marks or
    diacritics (đ is d), spaces collapsed, so "thu vien xa" finds "Thư viện xã"
    and "TV-XA" finds "tv-xa-0001"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    plain = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


@dataclass(frozen=True)
class SliceParams:
    """What the address asks for; the defaults are the unit's first page."""

    category: str = ""  # a category code, "" for every category
    q: str = ""
    missing: bool = False  # only the institutions still lacking a required answer
    page: int = 1

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> tuple[SliceParams, list[str]]:
        """The slice an address asks for and a notice for each value that
        could not be read as given (the page then shows page 1, or the search
        cut to `QUERY_MAX` characters)."""
        notices: list[str] = []
        q = " ".join(str(query.get("q", "")).split())
        if len(q) > QUERY_MAX:
            q = q[:QUERY_MAX].rstrip()
            notices.append(
                _("Từ khóa tìm kiếm dài quá %(n)s ký tự: chỉ tìm theo %(n)s ký tự đầu.")
                % {"n": QUERY_MAX}
            )
        raw_page = str(query.get("page", "")).strip()
        page = 1
        if raw_page:
            if raw_page.isascii() and raw_page.isdigit() and int(raw_page) >= 1:
                page = int(raw_page)
            else:
                notices.append(
                    _("Số trang «%(page)s» không hợp lệ: đang hiện trang 1.")
                    % {"page": raw_page[:20]}
                )
        return (
            cls(
                category=str(query.get("category", "")).strip()[:40],
                q=q,
                missing=query.get("missing") == "1",
                page=page,
            ),
            notices,
        )

    def query(self, **changes: object) -> str:
        """The query string ("?…", or "" for the default slice) of these
        params with `changes`; a change of anything but the page starts at page 1."""
        params = replace(self, **changes)  # type: ignore[arg-type]
        if "page" not in changes and changes:
            params = replace(params, page=1)
        pairs: list[tuple[str, str]] = []
        if params.category:
            pairs.append(("category", params.category))
        if params.q:
            pairs.append(("q", params.q))
        if params.missing:
            pairs.append(("missing", "1"))
        if params.page > 1:
            pairs.append(("page", str(params.page)))
        return "?" + urlencode(pairs) if pairs else ""


@dataclass(frozen=True)
class Tab:
    """A category of the unit (or every category, code ""), with its counts."""

    code: str
    label: str
    total: int
    incomplete: int
    url: str
    current: bool


@dataclass(frozen=True)
class ProblemLink:
    """A problem of a refused submit, with the address of the input it is
    about: on this slice its anchor, else the slice that shows it."""

    problem: RowProblem
    href: str


@dataclass
class EntrySlice:
    params: SliceParams
    directory: list[DirectoryEntry]
    notices: list[str]
    tabs: list[Tab] = field(default_factory=list)
    page: Page | None = None

    @property
    def entries(self) -> list[DirectoryEntry]:
        """The institutions of this slice, in the directory's order."""
        return list(self.page.object_list) if self.page else []

    @property
    def paged(self) -> bool:
        """The unit is larger than a page: the tabs, search and pages are shown."""
        return len(self.directory) > PAGE_SIZE

    @property
    def filtered(self) -> bool:
        return bool(self.params.category or self.params.q or self.params.missing)

    @property
    def navigable(self) -> bool:
        return self.paged or self.filtered

    @property
    def total(self) -> int:
        return len(self.directory)

    @property
    def complete(self) -> int:
        return sum(1 for e in self.directory if e.complete)

    @property
    def incomplete(self) -> int:
        return self.total - self.complete

    @property
    def url(self) -> str:
        """This slice's own query string (the form posts to it)."""
        return self.params.query(page=self.params.page)

    @property
    def all_url(self) -> str:
        return SliceParams().query()

    @property
    def missing_url(self) -> str:
        """The same slice with the "still lacking answers" filter turned over."""
        return self.params.query(missing=not self.params.missing)

    @property
    def category_counts(self) -> dict[str, tuple[int, int]]:
        """Category code → (institutions, complete) over the whole unit."""
        return {t.code: (t.total, t.total - t.incomplete) for t in self.tabs if t.code}

    @property
    def empty_text(self) -> str:
        if not self.directory:
            return _("Đơn vị không có thiết chế nào hoạt động trong năm này.")
        if self.params.q:
            return _("Không tìm thấy thiết chế nào có mã hoặc tên chứa «%(q)s».") % {
                "q": self.params.q
            }
        if self.params.missing:
            return _("Không còn thiết chế nào thiếu câu trả lời bắt buộc ở đây.")
        return _("Không có thiết chế nào ở đây.")

    def page_links(self) -> list[PageLink]:
        return page_links(self.page, lambda number: self.params.query(page=number))

    def problem_links(self, problems: Iterable[RowProblem]) -> list[ProblemLink]:
        """The first `PROBLEMS_SHOWN` problems, each with its input's address."""
        on_page = {e.pk for e in self.entries}
        position: dict[int, tuple[str, int]] = {}
        seen: dict[str, int] = {}
        for e in self.directory:
            code = e.category.code
            position[e.pk] = (code, seen.get(code, 0))
            seen[code] = seen.get(code, 0) + 1
        links = []
        for p in list(problems)[:PROBLEMS_SHOWN]:
            anchor = f"#id_i{p.institution_id}__{p.field}" if p.institution_id and p.field else ""
            if not anchor or p.institution_id in on_page or p.institution_id not in position:
                links.append(ProblemLink(p, anchor))
                continue
            code, index = position[p.institution_id]
            where = (
                SliceParams(category=code, page=index // PAGE_SIZE + 1).query()
                if self.paged
                else ""
            )
            links.append(ProblemLink(p, (where or "?") + anchor))
        return links


def entry_slice(
    directory: list[DirectoryEntry], params: SliceParams, notices: list[str] | None = None
) -> EntrySlice:
    """The slice of `directory` that `params` asks for, with the unit's tabs.
    An unknown category shows every category, a page past the last shows the
    last, each with a notice."""
    notices = list(notices or [])
    totals: dict[str, list[int]] = {}
    labels: dict[str, str] = {}
    for e in directory:
        if e.category.code not in totals:
            totals[e.category.code] = [0, 0]
            labels[e.category.code] = e.category.display_name
        counts = totals[e.category.code]
        counts[0] += 1
        counts[1] += 0 if e.complete else 1
    if params.category and params.category not in totals:
        notices.append(
            _("Báo cáo này không có thiết chế loại «%(category)s»: đang hiện mọi loại.")
            % {"category": params.category}
        )
        params = replace(params, category="")
    words = fold(params.q).split()

    def found(e: DirectoryEntry) -> bool:
        if not words:
            return True
        text = fold(f"{e.code} {e.name}")
        return all(w in text for w in words)

    chosen = [
        e
        for e in directory
        if (not params.category or e.category.code == params.category)
        and (not params.missing or not e.complete)
        and found(e)
    ]
    paginator = Paginator(chosen, PAGE_SIZE)
    if params.page > paginator.num_pages:
        notices.append(
            _("Không có trang %(page)s (chỉ có %(n)s trang): đang hiện trang %(n)s.")
            % {"page": params.page, "n": paginator.num_pages}
        )
        params = replace(params, page=paginator.num_pages)
    tabs = [
        Tab(
            "",
            _("Tất cả"),
            len(directory),
            sum(1 for e in directory if not e.complete),
            params.query(category="", q=""),
            not params.category,
        )
    ]
    tabs += [
        Tab(
            code,
            labels[code],
            total,
            incomplete,
            params.query(category=code, q=""),
            code == params.category,
        )
        for code, (total, incomplete) in totals.items()
    ]
    return EntrySlice(params, directory, notices, tabs, paginator.page(params.page))
