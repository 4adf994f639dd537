"""Server-rendered pages of the review desk: the article list and the review page.

The pages only render what selectors return; every change a reviewer makes goes from the page's
JavaScript (``annotations/static/annotations/review.js``) to the REST API, with the session
cookie and the CSRF token, so the browser and any other client share one set of rules.
"""
