import { describe, expect, it } from "vitest";
import { keywordDocument, keywordQuery, keywordTokens } from "@/lib/text/keywords";
import { stemEnglish } from "@/lib/text/porter-stemmer";

describe("keywordTokens: Chinese", () => {
  it("segments Chinese into meaningful words with jieba", () => {
    const tokens = keywordTokens("我们使用向量数据库进行检索");
    for (const word of ["向量", "数据库", "检索", "使用"]) expect(tokens).toContain(word);
    expect(tokens).not.toContain("我们");
  });

  it("drops stop words and punctuation", () => {
    const tokens = keywordTokens("统计的基本任务是：对经济社会发展情况进行统计调查。");
    expect(tokens).not.toContain("的");
    expect(tokens).not.toContain("是");
    expect(tokens.some((t) => /[。：，]/.test(t))).toBe(false);
    expect(tokens).toContain("统计调查");
  });

  it("adds character bigrams so differently segmented words still meet", () => {
    const doc = keywordTokens("民营经济促进法");
    const query = keywordQuery("促进民营经济");
    expect(doc).toContain("民营");
    expect(doc).toContain("营经");
    expect(query.filter((t) => doc.includes(t)).length).toBeGreaterThanOrEqual(4);
  });

  it("segments Traditional Chinese", () => {
    const tokens = keywordTokens("中華民國的憲法規定總統由人民直接選舉產生");
    for (const word of ["宪法", "总统", "选举"]) expect(tokens).toContain(word);
  });

  it("folds Traditional to Simplified, so either script finds the other", () => {
    expect(keywordQuery("資料庫檢索")).toEqual(keywordQuery("资料库检索"));
    expect(keywordTokens("數字與單位之間需要增加空格")).toEqual(keywordTokens("数字与单位之间需要增加空格"));
    // Text already Simplified is left alone.
    expect(keywordTokens("著名的干燥剂")).toEqual(expect.arrayContaining(["著名", "干燥剂"]));
  });

  it("normalises full-width letters and digits (NFKC)", () => {
    expect(keywordTokens("ＧＰＴ４模型")).toEqual(expect.arrayContaining(["gpt4", "模型"]));
  });
});

describe("keywordTokens: English and mixed", () => {
  it("lower-cases, drops stop words and stems", () => {
    expect(keywordTokens("The Running of the Databases")).toEqual(["run", "databas"]);
  });

  it("stems document and query words to the same term", () => {
    const doc = keywordTokens("Vector databases index embeddings for retrieval.");
    for (const term of keywordQuery("database indexing embedded retrieve")) expect(doc).toContain(term);
  });

  it("keeps numbers and handles mixed zh/en text", () => {
    const tokens = keywordTokens("2024年9月13日修正的统计法 uses Qwen2.5 models");
    expect(tokens).toEqual(expect.arrayContaining(["2024", "13", "统计法", "qwen2", "5", "model"]));
  });

  it("folds accents, so a name typed without them still matches", () => {
    expect(keywordQuery("Beyonce Frederic Chopin")).toEqual(keywordTokens("Beyoncé, Frédéric Chopin"));
    expect(keywordTokens("Żelazowa Wola 的肖邦故居")).toEqual(expect.arrayContaining(["zelazowa", "wola"]));
    expect(keywordTokens("naïve café")).toEqual(keywordTokens("naive cafe"));
  });

  it("writes English ordinals as digits, so \"the fourth Karmapa\" finds \"4th Karmapa\"", () => {
    expect(keywordQuery("Who was the fourth Karmapa?")).toEqual(keywordQuery("4th Karmapa"));
    expect(keywordTokens("third-generation iPod")).toEqual(keywordTokens("3rd generation iPod"));
    expect(keywordTokens("the twelfth and the first")).toEqual(["12th", "1st"]);
  });

  it("folds irregular verb forms to the verb, so \"when did Chopin write\" finds \"Chopin wrote\"", () => {
    expect(keywordQuery("When did Chopin write it?")).toEqual(keywordQuery("Chopin wrote it"));
    expect(keywordTokens("who won the final")).toEqual(keywordTokens("to win the final"));
    expect(keywordTokens("the team was founded, the gold was found")).toEqual(["team", "found", "gold", "find"]);
    // Past forms that are everyday words of another meaning stay apart, and forms of stop words go.
    expect(keywordTokens("born on the ground")).toEqual(["born", "ground"]);
    expect(keywordQuery("When did Chopin leave Warsaw?")).toEqual(keywordQuery("Chopin left Warsaw"));
    expect(keywordTokens("it was done")).toEqual([]);
  });

  it("is empty for punctuation-only text", () => {
    expect(keywordTokens("。，！？…… --- !!!")).toEqual([]);
  });
});

describe("keywordDocument / keywordQuery", () => {
  it("joins tokens with single spaces for to_tsvector('simple', …)", () => {
    const doc = keywordDocument("我们使用向量数据库。Running databases!");
    expect(doc).toMatch(/^\S+( \S+)*$/);
    expect(doc.split(" ")).toEqual(keywordTokens("我们使用向量数据库。Running databases!"));
    expect(doc).not.toMatch(/[&|!():*'\\]/);
  });

  it("returns distinct query terms", () => {
    const terms = keywordQuery("数据库 数据库 database databases");
    expect(terms).toEqual([...new Set(terms)]);
    expect(terms.filter((t) => t === "databas")).toHaveLength(1);
  });
});

describe("stemEnglish (Porter2)", () => {
  it.each([
    ["running", "run"],
    ["runs", "run"],
    ["databases", "databas"],
    ["database", "databas"],
    ["caresses", "caress"],
    ["ponies", "poni"],
    ["ties", "tie"],
    ["hopping", "hop"],
    ["hoping", "hope"],
    ["generously", "generous"],
    ["relational", "relat"],
    ["conditional", "condit"],
    ["happiness", "happi"],
    ["retrieval", "retriev"],
    ["retrieved", "retriev"],
    ["news", "news"],
    ["skies", "sky"],
    ["consign", "consign"],
    ["consigned", "consign"],
    ["knightly", "knight"],
    ["agreed", "agre"],
    ["is", "is"],
  ])("%s → %s", (word, stem) => {
    expect(stemEnglish(word)).toBe(stem);
  });
});
