"""Filling the need form in a browser as a school clerk does: the journeys that post a
need (tests/e2e) share it."""


def fill_need_form(page, *, category: str, title: str, description: str, pupils: int, urgency: int, items) -> None:
    """From "Đăng nhu cầu" on "My school": the need's fields and its items, each item
    (description, quantity, unit, unit cost) on its own row ("Thêm hạng mục" for the next)."""
    page.goto(page.base_url + "/needs/my-school/")
    page.get_by_role("link", name="Đăng nhu cầu").first.click()
    page.select_option("select[name=category]", category)
    page.fill("input[name=title]", title)
    page.fill("textarea[name=description]", description)
    page.fill("input[name=pupils_benefiting]", str(pupils))
    page.select_option("select[name=urgency]", str(urgency))
    for row, (item, quantity, unit, unit_cost) in enumerate(items):
        if row:
            page.get_by_role("button", name="Thêm hạng mục").click()
        page.fill(f"input[name='items-{row}-description']", item)
        page.fill(f"input[name='items-{row}-quantity']", str(quantity))
        page.fill(f"input[name='items-{row}-unit']", unit)
        page.fill(f"input[name='items-{row}-unit_cost']", str(unit_cost))
