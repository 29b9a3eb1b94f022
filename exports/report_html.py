"""The engagement report's HTML page: one self-contained file (inline CSS and SVG, no scripts)."""

REPORT_HTML = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
  body { font-family: "Noto Sans", system-ui, sans-serif; color: #212b32; max-width: 52rem;
         margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
  h1, h2 { color: #005eb8; }
  .figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: .75rem; }
  .figure { background: #e8f1fa; border-radius: .25rem; padding: .75rem; }
  .figure strong { display: block; font-size: 1.6rem; color: #005eb8; }
  svg { max-width: 100%; height: auto; }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.5rem; }
  th, td { border-bottom: 1px solid #d8dde0; padding: .25rem .5rem; text-align: left; }
  td.n { text-align: right; font-variant-numeric: tabular-nums; }
  details { margin-bottom: 1rem; }
  .note { color: #4c6272; font-size: .9rem; }
</style>
</head>
<body>
<main>
<h1>{{ title }}</h1>
<p class="note">Generated {{ generated_at }}</p>
<section class="figures" aria-label="Key figures">
{% for k in key_figures %}<div class="figure"><strong>{{ k.value }}</strong>{{ k.label }}</div>
{% endfor %}</section>
{% for section, svg in sections %}
<section id="section-{{ loop.index }}">
<h2>{{ section.title }}</h2>
{% if section.note %}<p class="note">{{ section.note }}</p>{% endif %}
{% if svg %}<figure role="img" aria-label="{{ section.title }} chart">{{ svg }}</figure>
<details><summary>The figures behind this chart</summary>{% else %}<div>{% endif %}
<table>
<thead><tr><th scope="col">{{ section.header[0] }}</th>
<th scope="col">{{ section.header[1] }}</th></tr></thead>
<tbody>
{% for label, count in section.rows %}<tr><td>{{ label }}</td><td class="n">{{ count }}</td></tr>
{% endfor %}</tbody>
</table>
{% if svg %}</details>{% else %}</div>{% endif %}
</section>
{% endfor %}
</main>
</body>
</html>
"""
