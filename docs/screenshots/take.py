"""Take the README's screenshots from a running Pathwise with the demo users.

It answers one review card as alan (to show a graded card): run it on a demo database.

    make run                                    # in another terminal (loads the demo users)
    .venv/bin/python docs/screenshots/take.py   # BASE_URL=http://127.0.0.1:8000 by default

Needs Debian's Chromium (apt-get install chromium). Writes the PNGs beside this file.
"""

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
HERE = Path(__file__).parent
PASSWORD = "pathwise-demo"

# (file, user, url, width, height, full page)
SHOTS = [
    ("today.png", "grace", "/today/", 1280, 900, True),
    ("roadmap.png", "grace", "/roadmap/?topic=linear-regression", 1440, 900, False),
    ("plan.png", "grace", "/paths/", 1280, 1100, False),
    ("review.png", "alan", "/reviews/", 1100, 760, False),
    ("progress.png", "alan", "/me/", 1280, 900, True),
    ("today-phone.png", "alan", "/today/", 390, 844, False),
]


def main() -> int:
    with sync_playwright() as playwright:
        chromium = "/usr/bin/chromium"
        browser = playwright.chromium.launch(executable_path=chromium, args=["--headless=new", "--no-sandbox"])
        for name, user, url, width, height, full in SHOTS:
            context = browser.new_context(base_url=BASE_URL, viewport={"width": width, "height": height},
                                          device_scale_factor=1)  # fmt: skip
            page = context.new_page()
            page.goto("/accounts/login/")
            page.locator("#id_username").fill(user)
            page.locator("#id_password").fill(PASSWORD)
            page.locator("main button[type=submit]").click()
            page.wait_for_url(lambda u: "/accounts/login/" not in u)
            page.goto(url)
            if page.locator("#roadmap-map").count():
                page.wait_for_selector("#roadmap-map.ready")
            if name == "review.png":  # a graded choice with its explanation, or a free-recall answer
                page.keyboard.press("1" if page.locator(".choices button").count() else "Space")
                page.wait_for_selector(".explanation, .answer-side:not([hidden])")
            page.wait_for_timeout(300)
            page.screenshot(path=HERE / name, full_page=full)
            print("wrote", HERE / name)
            context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
