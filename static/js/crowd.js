// crowd's only script: start the NHS.UK frontend components. Pages work without it.
import { initAll } from '../nhsuk-frontend-10.6.1/nhsuk-frontend.min.js'
document.body.classList.add('js-enabled')
if ('noModule' in HTMLScriptElement.prototype) document.body.classList.add('nhsuk-frontend-supported')
initAll()
