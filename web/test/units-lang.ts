/** For the unit tests: switch the catalogs' language without a page. */
import { setLang, type Lang } from "../src/i18n";

export function setLangForTest(lang: Lang): void {
  setLang(lang);
}
