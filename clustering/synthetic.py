"""Labelled synthetic short texts for tuning, tests and benchmarks.

Question titles (StackOverflow-like) and health-and-care ideas, built from per-topic vocabularies and many
shared templates. Shared words ("error", "file", "help", "service"), off-topic words, typos and optional
context sentences make the topics overlap the way real short texts do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    name: str
    terms: tuple[str, ...]
    actions: tuple[str, ...]
    problems: tuple[str, ...]


def _topic(name: str, terms: str, actions: str, problems: str) -> Topic:
    split = lambda s: tuple(p.strip() for p in s.split(";") if p.strip())  # noqa: E731
    return Topic(name, split(terms), split(actions), split(problems))


TECH_TOPICS: tuple[Topic, ...] = (
    _topic(
        "wordpress",
        "WordPress plugin; wp theme; post meta; shortcode; WooCommerce product; wp-admin dashboard; "
        "custom post type; widget area; permalink; the_content filter; wp_query loop; child theme",
        "register a custom taxonomy; enqueue a script; add a menu page; change the excerpt length; "
        "paginate posts; hook into save_post",
        "white screen of death; plugin conflict; 404 on pages",
    ),
    _topic(
        "oracle",
        "Oracle table; PL/SQL procedure; sequence; tablespace; Oracle 11g; sqlplus session; "
        "cursor; materialized view; rownum; varchar2 column; listener; trigger",
        "create a sequence; grant privileges; call a stored procedure; export a schema; "
        "limit rows with rownum; convert a date to char",
        "ORA-00942 error; ORA-01722 invalid number; listener refused",
    ),
    _topic(
        "svn",
        "Subversion repository; svn branch; working copy; svn commit; TortoiseSVN; trunk; "
        "svn:externals; svn merge; revision; svn log; svn server; tag",
        "revert a commit in svn; merge a branch back to trunk; ignore a folder in subversion; "
        "move a repository; checkout a single file",
        "tree conflict; working copy locked; svn cleanup fails",
    ),
    _topic(
        "apache",
        "Apache httpd; .htaccess file; mod_rewrite rule; virtual host; httpd.conf; mod_ssl; "
        "RewriteCond; Apache server; DocumentRoot; mod_proxy; access log; directory index",
        "redirect http to https; enable mod_rewrite; set up a virtual host; deny access to a folder; "
        "proxy requests to tomcat",
        "403 forbidden; 500 internal server error; RewriteRule not working",
    ),
    _topic(
        "excel",
        "Excel sheet; VBA macro; cell range; pivot table; Excel formula; worksheet; VLOOKUP; "
        "conditional formatting; workbook; Excel chart; column of cells; xlsx file",
        "copy a range to another sheet; loop through rows in VBA; sum values by condition; "
        "remove duplicates in a column; freeze the top row",
        "#N/A from VLOOKUP; macro runs slowly; formula not updating",
    ),
    _topic(
        "matlab",
        "MATLAB matrix; plot figure; MATLAB function; m-file; Simulink model; cell array; "
        "mex file; MATLAB GUI; vector indexing; imread image; ode45 solver; struct array",
        "plot two lines on one figure; vectorize a for loop; read a text file into a matrix; "
        "save a figure as png; find the index of the max value",
        "index exceeds matrix dimensions; out of memory",
    ),
    _topic(
        "visual-studio",
        "Visual Studio 2010; solution explorer; project reference; debugger breakpoint; "
        "IntelliSense; build configuration; VS extension; post-build event; NuGet package; "
        "designer view; output window; unit test project",
        "attach the debugger to a process; change the target framework; add a reference to a dll; "
        "set a conditional breakpoint; disable a warning",
        "IntelliSense stopped working; build hangs; designer crashes",
    ),
    _topic(
        "cocoa",
        "NSView; NSWindow; Cocoa app; NSTableView; Objective-C delegate; Interface Builder nib; "
        "NSString; NSArray; NSNotificationCenter; bindings; NSTimer; NSImage",
        "draw a custom NSView; reload an NSTableView; observe a property with KVO; "
        "show a sheet on a window; pass data between controllers",
        "EXC_BAD_ACCESS; unrecognized selector sent to instance",
    ),
    _topic(
        "osx",
        "Mac OS X; Finder; launchd plist; Terminal on Mac; Leopard; Snow Leopard; dmg installer; "
        "Mac keychain; Spotlight; Dock icon; Time Machine; Homebrew",
        "start a daemon at login; show hidden files in Finder; install an app from a dmg; "
        "change the default shell on a Mac",
        "kernel panic on Mac; app can't be opened; Spotlight not indexing",
    ),
    _topic(
        "bash",
        "bash script; shell variable; grep output; sed command; awk column; for loop in bash; "
        "cron job; pipe; exit code; find command; xargs; command line argument",
        "split a string on a delimiter in bash; rename many files; read a file line by line; "
        "check if a directory exists; pass arguments to a script",
        "unary operator expected; command not found",
    ),
    _topic(
        "spring",
        "Spring bean; applicationContext.xml; Spring MVC controller; dependency injection; "
        "@Autowired field; Spring Security; DispatcherServlet; Spring Boot; @Transactional; "
        "RestTemplate; bean scope; Spring AOP aspect",
        "inject a property value; configure a datasource; secure a URL pattern; "
        "return JSON from a controller; wire a bean by name",
        "NoSuchBeanDefinitionException; circular dependency",
    ),
    _topic(
        "hibernate",
        "Hibernate session; HQL query; entity mapping; lazy loading; one-to-many association; "
        "Criteria API; hbm.xml; second-level cache; JPA annotation; SessionFactory; cascade type; "
        "composite key",
        "map a join table; fetch a collection eagerly; write a native query; use a sequence generator",
        "LazyInitializationException; could not initialize proxy; n+1 selects",
    ),
    _topic(
        "scala",
        "Scala case class; trait; implicit conversion; pattern matching; Scala actor; sbt build; "
        "Option type; for comprehension; Scala collection; companion object; higher-kinded type; "
        "Akka",
        "fold over a list in Scala; define an implicit parameter; convert a Java list to Scala; "
        "match on a case class",
        "type mismatch found required; diverging implicit expansion",
    ),
    _topic(
        "sharepoint",
        "SharePoint list; SharePoint 2010; web part; document library; site collection; "
        "SharePoint workflow; CAML query; feature receiver; SPListItem; InfoPath form; "
        "content type; SharePoint timer job",
        "deploy a web part; query a list with CAML; "
        "add a column to a content type; create a site programmatically",
        "access denied in SharePoint; feature activation fails",
    ),
    _topic(
        "ajax",
        "AJAX request; XMLHttpRequest; jQuery.ajax call; JSON response; asynchronous call; "
        "cross-domain request; JSONP; callback function; AJAX form; partial page update; "
        "UpdatePanel; long polling",
        "send form data with ajax; parse a JSON response; show a loading spinner during ajax",
        "ajax call returns undefined; cross-origin request blocked",
    ),
    _topic(
        "qt",
        "Qt widget; QMainWindow; signal and slot; QThread; QString; Qt Creator; qmake project; "
        "QGraphicsView; QML item; QTableWidget; QPainter; QDialog",
        "connect a signal to a slot; update the GUI from a QThread; resize a QWidget; "
        "draw text with QPainter",
        "undefined reference to vtable; QObject cannot create children",
    ),
    _topic(
        "drupal",
        "Drupal module; Drupal 7; node type; Drupal views; hook_menu; Drupal theme; "
        "CCK field; taxonomy term; Drupal block; form API; drush command; Drupal cron",
        "alter a form with hook_form_alter; create a custom block; theme a view; add a field to a node",
        "white screen after enabling module; drush cannot bootstrap",
    ),
    _topic(
        "linq",
        "LINQ query; LINQ to SQL; lambda expression; IEnumerable; GroupBy; DataContext; "
        "LINQ to Entities; Select many; IQueryable; anonymous type; join in LINQ; OrderBy",
        "group by multiple columns in LINQ; left join with LINQ; select distinct values; "
        "convert a LINQ result to a list",
        "sequence contains no elements; method cannot be translated",
    ),
    _topic(
        "haskell",
        "Haskell monad; type class; Haskell function; IO action; GHC; cabal package; "
        "Maybe monad; functor; lazy evaluation; list comprehension; do notation; Haskell record",
        "write a fold in Haskell; read input in the IO monad; define a type class instance; "
        "compose functions",
        "couldn't match expected type; ambiguous type variable; stack overflow in foldl",
    ),
    _topic(
        "magento",
        "Magento store; Magento module; product attribute; Magento admin; catalog price rule; "
        "checkout page; Magento layout xml; EAV model; Magento cart; configurable product; "
        "Magento observer; customer group",
        "add a custom attribute to products; override a block; "
        "change the checkout steps; import products from csv",
        "Magento admin login loop; indexing stuck",
    ),
)

CARE_TOPICS: tuple[Topic, ...] = (
    _topic(
        "gp-access",
        "GP appointment; surgery receptionist; same-day appointment; 8am phone queue; "
        "online booking; practice nurse; telephone triage; repeat prescription",
        "book a GP appointment online; see the same doctor each time; get through on the phone",
        "waiting three weeks to see a GP; cut off after an hour on hold",
    ),
    _topic(
        "mental-health",
        "mental health support; talking therapy; crisis line; CAMHS; anxiety; depression; "
        "counsellor; community mental health team",
        "get therapy without a long wait; reach someone in a crisis",
        "months on a waiting list for counselling; nobody to call at night",
    ),
    _topic(
        "carers",
        "unpaid carer; carer's allowance; respite break; carer's assessment; looking after mum; "
        "caring role; young carer; carer support group",
        "get a break from caring; be recognised as a carer",
        "carers burn out alone; nobody asks how the carer is coping",
    ),
    _topic(
        "hospital-discharge",
        "hospital discharge; discharge letter; care package; ward; going home from hospital; "
        "reablement; bed blocking; discharge lounge",
        "plan the discharge early; arrange care before leaving hospital",
        "sent home without support; waiting days for a care package",
    ),
    _topic(
        "digital-exclusion",
        "NHS app; online forms; smartphone; internet access; digital skills; email only; "
        "video consultation; password",
        "offer a paper or phone option; help older people use the NHS app",
        "can't book without a smartphone; shut out by online-only systems",
    ),
    _topic(
        "language-interpreters",
        "interpreter; translation; first language; British Sign Language; "
        "leaflets in other languages; Deaf patients; easy read",
        "book an interpreter for appointments; translate letters",
        "family members used as interpreters; no BSL interpreter available",
    ),
    _topic(
        "care-homes",
        "care home; residents; visiting hours; nursing home staff; home manager; "
        "activities for residents; dementia unit",
        "let families visit freely; keep residents active",
        "care home fees rising; residents left in bed all day",
    ),
    _topic(
        "home-care",
        "home care worker; carer visits; 15-minute visit; domiciliary care; rota; "
        "personal care at home; continuity of carers",
        "give carers enough time per visit; keep the same carer",
        "different carer every day; visits cut short",
    ),
    _topic(
        "staff-wellbeing",
        "nurses; care staff pay; burnout; staff shortages; agency staff; shift patterns; "
        "London living wage; staff training",
        "pay care workers fairly; support staff wellbeing",
        "staff leaving for supermarkets; exhausted teams covering gaps",
    ),
    _topic(
        "joined-up-records",
        "shared care record; patient records; telling my story again; information sharing; "
        "hospital and GP systems; test results; referral letter",
        "share records between services; see my own test results",
        "repeating my history to every professional; lost referral",
    ),
    _topic(
        "prevention",
        "healthy eating; exercise classes; smoking cessation; social prescribing; "
        "loneliness; green spaces; health checks",
        "invest in prevention; offer free health checks",
        "only treated once things go wrong; cuts to community groups",
    ),
    _topic(
        "transport-access",
        "hospital transport; parking charges; bus route to the clinic; step-free access; "
        "wheelchair access; patient transport service",
        "provide transport to appointments; make clinics step-free",
        "missed appointment because transport never came; no lift at the station",
    ),
)


def broaden(name: str, topics: tuple[Topic, ...]) -> Topic:
    """One broad topic made of several narrow ones: a text takes its terms, action and problem from the
    pooled vocabularies, so the narrow topics inside it blend instead of standing apart."""
    pool = lambda field: tuple(x for t in topics for x in getattr(t, field))  # noqa: E731
    return Topic(name, pool("terms"), pool("actions"), pool("problems"))


def _tech(*names: str) -> tuple[Topic, ...]:
    return tuple(t for t in TECH_TOPICS if t.name in names)


BROAD_TECH_TOPICS: tuple[Topic, ...] = (
    broaden("web-sites", _tech("wordpress", "drupal", "magento", "sharepoint", "ajax")),
    broaden("data", _tech("oracle", "hibernate", "spring", "linq", "excel")),
    broaden("languages", _tech("matlab", "scala", "haskell", "bash", "qt")),
    broaden("tools-and-systems", _tech("svn", "apache", "visual-studio", "cocoa", "osx")),
)
"""Four broad topics of five tech topics each (as a news set of four sections): for checking that a
corpus of a few broad topics gets a few themes."""


def _care(*names: str) -> tuple[Topic, ...]:
    by_name = {t.name: t for t in CARE_TOPICS}
    return tuple(by_name[name] for name in names)


BROAD_CARE_TOPICS: tuple[Topic, ...] = (
    broaden("access", _care("gp-access", "transport-access", "digital-exclusion", "language-interpreters")),
    broaden("care-at-home", _care("carers", "home-care", "care-homes", "hospital-discharge")),
    broaden("system", _care("mental-health", "staff-wellbeing", "joined-up-records", "prevention")),
)
"""Three broad topics of four care topics each."""


_TECH_TEMPLATES = (
    "How do I {action}?",
    "How to {action} with {term}",
    "{term}: {problem}",
    "Why does {term} give {problem}?",
    "{problem} when using {term}",
    "Best way to {action}",
    "Is it possible to {action} using {term}?",
    "{term} and {term2} question",
    "Getting {problem} after I {action}",
    "Can't {action} - {problem}",
    "{action} (newbie question)",
    "What is the difference between {term} and {term2}?",
    "Problem with {term}",
    "{term} not working as expected",
    "Help needed: {term} {problem}",
    "How can I {action} without {term2}?",
    "Trying to {action} but get {problem}",
)
_CARE_TEMPLATES = (
    "We need to {action}.",
    "{term} should be easier - {problem}.",
    "Please {action}, {problem}.",
    "My experience of {term}: {problem}.",
    "It would help if we could {action}.",
    "{problem}. Fix {term}!",
    "Why is {term} so hard? {problem}.",
    "Idea: {action} and improve {term2}.",
    "Too often {problem}.",
    "The {term} and {term2} need to work together.",
    "As a family we struggled with {term}.",
)
_FILLERS = (
    "I have searched everywhere but nothing works.",
    "Any help would be appreciated.",
    "Thanks in advance.",
    "I am new to this so sorry if it is obvious.",
    "This used to work last week.",
    "I tried the docs.",
    "Our team has been stuck on this for days.",
    "It happens on one machine only.",
    "I would really appreciate some advice.",
    "This has been going on for a long time.",
)


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _one(
    topic: Topic, others: tuple[Topic, ...], templates: tuple[str, ...], rng: random.Random, stray: float
) -> str:
    term, term2 = rng.sample(topic.terms, 2)
    if rng.random() < stray:  # a stray term from another topic, as in real titles
        term2 = rng.choice(rng.choice(others).terms)
    text = rng.choice(templates).format(
        action=rng.choice(topic.actions), term=term, term2=term2, problem=rng.choice(topic.problems)
    )
    text = text[0].upper() + text[1:]
    if rng.random() < 0.35:  # context makes some texts long (up to ~80 words)
        extra = [rng.choice(_FILLERS) for _ in range(rng.randint(1, 6))]
        extra.insert(rng.randrange(len(extra) + 1), f"I use {rng.choice(topic.terms)} here.")
        text = text + " " + " ".join(extra)
    if rng.random() < 0.2:
        words = text.split()
        j = rng.randrange(len(words))
        words[j] = _typo(words[j], rng)
        text = " ".join(words)
    if rng.random() < 0.2:
        text = text.lower()
    return text


def generate(
    *, n: int, seed: int = 0, topics: tuple[Topic, ...] = TECH_TOPICS, kind: str = "tech", stray: float = 0.15
) -> tuple[list[str], list[str]]:
    """Return ``n`` texts and their topic labels, topics in roughly equal shares (random order); ``stray``
    is the share of texts that also name a term of another topic (higher is harder)."""
    rng = random.Random(seed)
    templates = _TECH_TEMPLATES if kind == "tech" else _CARE_TEMPLATES
    texts: list[str] = []
    labels: list[str] = []
    for i in range(n):
        topic = topics[i % len(topics)]
        others = tuple(t for t in topics if t is not topic)
        texts.append(_one(topic, others, templates, rng, stray))
        labels.append(topic.name)
    order = list(range(n))
    rng.shuffle(order)
    return [texts[i] for i in order], [labels[i] for i in order]


def generate_mixed(*, n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """Tech question titles and care ideas together: 32 topics, as used by the benchmark."""
    n_care = n * len(CARE_TOPICS) // (len(CARE_TOPICS) + len(TECH_TOPICS))
    t_texts, t_labels = generate(n=n - n_care, seed=seed)
    c_texts, c_labels = generate(n=n_care, seed=seed + 1, topics=CARE_TOPICS, kind="care")
    rng = random.Random(seed)
    pairs = list(zip(t_texts + c_texts, t_labels + c_labels, strict=True))
    rng.shuffle(pairs)
    return [p[0] for p in pairs], [p[1] for p in pairs]
