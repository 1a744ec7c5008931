/**
 * The Porter2 ("English Snowball") stemmer, so the keyword index and keyword queries reduce
 * "databases"/"database", "running"/"runs" to the same term. Written out here because no
 * stemmer package is installed; follows snowballstem.org/algorithms/english/stemmer.html.
 */

const VOWELS = new Set(["a", "e", "i", "o", "u", "y"]);
const isVowel = (c: string | undefined) => c !== undefined && VOWELS.has(c);

const EXCEPTIONS: Record<string, string> = {
  skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie", idly: "idl", gently: "gentl", ugly: "ugli",
  early: "earli", only: "onli", singly: "singl", sky: "sky", news: "news", howe: "howe", atlas: "atlas",
  cosmos: "cosmos", bias: "bias", andes: "andes",
};
const AFTER_1A = new Set(["inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"]);
const DOUBLES = new Set(["bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"]);
const LI_ENDING = new Set(["c", "d", "e", "g", "h", "k", "m", "n", "r", "t"]);

const STEP2: Array<[string, string]> = [
  ["ization", "ize"], ["ational", "ate"], ["fulness", "ful"], ["ousness", "ous"], ["iveness", "ive"], ["tional", "tion"],
  ["biliti", "ble"], ["lessli", "less"], ["entli", "ent"], ["ation", "ate"], ["alism", "al"], ["aliti", "al"], ["ousli", "ous"],
  ["iviti", "ive"], ["fulli", "ful"], ["enci", "ence"], ["anci", "ance"], ["abli", "able"], ["izer", "ize"], ["ator", "ate"],
  ["alli", "al"], ["bli", "ble"], ["ogi", "og"], ["li", ""],
];
const STEP3: Array<[string, string]> = [
  ["ational", "ate"], ["tional", "tion"], ["alize", "al"], ["icate", "ic"], ["iciti", "ic"], ["ative", ""], ["ical", "ic"], ["ness", ""], ["ful", ""],
];
const STEP4 = ["ement", "ance", "ence", "able", "ible", "ment", "ant", "ent", "ism", "ate", "iti", "ous", "ive", "ize", "ion", "al", "er", "ic"];

/** Start of the region after the first non-vowel that follows a vowel, from `from`. */
function regionAfter(w: string, from: number): number {
  for (let i = from + 1; i < w.length; i++) if (!isVowel(w[i]) && isVowel(w[i - 1])) return i + 1;
  return w.length;
}

function endsWithShortSyllable(w: string): boolean {
  const n = w.length;
  if (n === 2) return isVowel(w[0]) && !isVowel(w[1]);
  return n >= 3 && !isVowel(w[n - 3]) && isVowel(w[n - 2]) && !isVowel(w[n - 1]) && !"wxY".includes(w[n - 1]);
}

const longest = <T extends string | [string, string]>(w: string, list: T[]): T | undefined =>
  list.find((entry) => w.endsWith(typeof entry === "string" ? entry : entry[0]));

/**
 * Stems one lower-case English word.
 * @example stemEnglish("running") // "run"
 * @example stemEnglish("databases") // "databas"
 */
export function stemEnglish(word: string): string {
  if (word.length <= 2) return word;
  if (EXCEPTIONS[word]) return EXCEPTIONS[word];
  let w = word.startsWith("'") ? word.slice(1) : word;
  w = w.replace(/^y/, "Y").replace(/([aeiouy])y/g, "$1Y");
  const prefix = /^(gener|commun|arsen)/.exec(w);
  const r1 = prefix ? prefix[0].length : regionAfter(w, 0);
  const r2 = regionAfter(w, r1);
  const inR1 = (suffix: string) => w.length - suffix.length >= r1;
  const inR2 = (suffix: string) => w.length - suffix.length >= r2;

  // Step 0 and 1a: possessives and plurals.
  w = w.replace(/'s'$|'s$|'$/, "");
  if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("ied") || w.endsWith("ies")) w = w.slice(0, -3) + (w.length > 4 ? "i" : "ie");
  else if (w.endsWith("us") || w.endsWith("ss")) {
    /* unchanged */
  } else if (w.endsWith("s") && /[aeiouy]/.test(w.slice(0, -2))) w = w.slice(0, -1);
  if (AFTER_1A.has(w)) return w;

  // Step 1b: -eed, -ed, -ing.
  const s1b = longest(w, ["eedly", "ingly", "edly", "eed", "ing", "ed"]);
  if (s1b === "eed" || s1b === "eedly") {
    if (inR1(s1b)) w = w.slice(0, -s1b.length) + "ee";
  } else if (s1b && /[aeiouy]/.test(w.slice(0, -s1b.length))) {
    w = w.slice(0, -s1b.length);
    if (/(at|bl|iz)$/.test(w)) w += "e";
    else if (DOUBLES.has(w.slice(-2))) w = w.slice(0, -1);
    else if (r1 >= w.length && endsWithShortSyllable(w)) w += "e";
  }
  // Step 1c: final y after a consonant (not the first letter) becomes i.
  if (w.length > 2 && /[yY]$/.test(w) && !isVowel(w[w.length - 2])) w = w.slice(0, -1) + "i";

  const s2 = longest(w, STEP2);
  if (s2 && inR1(s2[0])) {
    if (s2[0] === "ogi") {
      if (w.endsWith("logi")) w = w.slice(0, -1);
    } else if (s2[0] === "li") {
      if (LI_ENDING.has(w[w.length - 3])) w = w.slice(0, -2);
    } else w = w.slice(0, -s2[0].length) + s2[1];
  }
  const s3 = longest(w, STEP3);
  if (s3 && inR1(s3[0]) && (s3[0] !== "ative" || inR2(s3[0]))) w = w.slice(0, -s3[0].length) + s3[1];
  const s4 = longest(w, STEP4);
  if (s4 && inR2(s4) && (s4 !== "ion" || /[st]ion$/.test(w))) w = w.slice(0, -s4.length);
  // Step 5: final e and l.
  if (w.endsWith("e")) {
    const stem = w.slice(0, -1);
    if (inR2("e") || (inR1("e") && !endsWithShortSyllable(stem))) w = stem;
  } else if (w.endsWith("ll") && inR2("l")) w = w.slice(0, -1);
  return w.replace(/Y/g, "y");
}
