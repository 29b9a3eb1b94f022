"""The vote widget is filled in from a shape rendered once (crowd.templating.FilledMacro): what a person
sees must be exactly what the template renders, for every vote, count, token and state."""

import itertools

from crowd.templating import make_templates


def test_the_filled_widget_is_the_template_character_for_character():
    env = make_templates(auto_reload=False).env
    macro = env.get_template("macros/votes.html").module.vote_widget
    filled = env.globals["filled_vote_widget"]
    shapes = itertools.product(
        (7, 12345),  # id
        (0, 1, 25),  # agree
        (0, 3),  # disagree
        (0, 1),  # passed
        ("", "agree", "disagree", "pass"),  # mine
        (True, False),  # open
        ("", "tok-_9", 'a"<b>&'),  # token: none, a real one, one that needs escaping
        ("/w/care", "/w/a&b<"),  # path
    )
    for args in shapes:
        assert str(filled(*args)) == str(macro(*args)), args
        assert str(filled(*args)) == str(macro(*args)), args  # and again, from the kept shape


def test_escaped_values_stay_escaped():
    env = make_templates(auto_reload=False).env
    html = str(env.globals["filled_vote_widget"](1, 2, 3, 4, "", True, '"><script>x</script>', "/"))
    assert "<script>" not in html
    assert "&#34;&gt;&lt;script&gt;" in html
    html = str(env.globals["filled_vote_widget"](1, 2, 3, 4, "", True, "", '/w/x"><script>'))
    assert "<script>" not in html
