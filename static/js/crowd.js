// crowd's only script: start the NHS.UK frontend components. Pages work without it.
import { initAll } from '../nhsuk-frontend-10.6.1/nhsuk-frontend.min.js'
document.body.classList.add('js-enabled')
if ('noModule' in HTMLScriptElement.prototype) document.body.classList.add('nhsuk-frontend-supported')
initAll()
// Vote one at a time: once htmx has swapped in the next idea, move focus to it (or to the message), so
// keyboard and screen-reader users carry on from the new card rather than from a removed button.
document.body.addEventListener('htmx:afterSettle', (event) => {
  if (!event.detail.target || event.detail.target.id !== 'next-idea') return
  const card = document.getElementById('next-idea')
  const focus = card && card.querySelector('[role=alert], #next-idea-text, #next-idea-done')
  if (focus) focus.focus({ preventScroll: false })
})
