/** Colours and symbols: src/views/palette.ts, which the HTML report draws with too. */
export { CUSTOMER_COLOR, roleColor, STATUS_COLOR, STATUS_ICON, STATUS_WORD } from '../views/palette.js';
