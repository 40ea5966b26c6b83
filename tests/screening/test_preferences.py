"""Per-user keys (remappable, stored per user) and per-review queue order."""

import pytest
from django.core.exceptions import ValidationError

from screening.models import DEFAULT_KEYS
from screening.services_prefs import keymap_of, keymap_set

pytestmark = pytest.mark.django_db


def test_defaults_until_changed(cast):
    """Without a map the user has I, E, M, U, arrows and ?."""
    assert keymap_of(cast.reviewer) == DEFAULT_KEYS


def test_a_user_remaps_a_key(cast):
    """Remapping include to J keeps the others."""
    keymap_set(user=cast.reviewer, keys={"include": "J"})
    keys = keymap_of(cast.reviewer)
    assert keys["include"] == "j" and keys["exclude"] == "e"
    assert keymap_of(cast.lead) == DEFAULT_KEYS


def test_two_actions_cannot_share_a_key(cast):
    """Giving exclude the key of include is refused."""
    with pytest.raises(ValidationError, match="share"):
        keymap_set(user=cast.reviewer, keys={"exclude": "i"})


def test_the_page_uses_the_user_s_keys(cast, records, client_for):
    """The keys page saves the map and the screening page shows it."""
    client = client_for(cast.reviewer)
    form = {**DEFAULT_KEYS, "include": "y"}
    client.post(f"/reviews/{cast.review.slug}/screening/keys/", form)
    html = client.get(f"/reviews/{cast.review.slug}/screening/title_abstract/").content.decode()
    assert '"include": "y"' in html and '<kbd data-key="include">Y</kbd>' in html


def test_the_queue_order_is_saved_per_review(cast, records, client_for):
    """A reviewer picks random order on the overview page."""
    from screening.queue import queue_order_of

    client_for(cast.reviewer).post(f"/reviews/{cast.review.slug}/screening/queue-order/", {"order": "random"})
    assert queue_order_of(cast.review, cast.reviewer, "title_abstract") == "random"
