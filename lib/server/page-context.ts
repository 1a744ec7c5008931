import "server-only";
import { getLocale } from "next-intl/server";
import { isLocale, type Locale } from "@/lib/i18n/locale";
import { LOCAL_WORKSPACE } from "./request";

/** The workspace and language of a server-rendered page (the page-side twin of requestContext). */
export async function pageContext(): Promise<{ workspaceId: string; locale: Locale }> {
  const locale = await getLocale();
  return { workspaceId: LOCAL_WORKSPACE, locale: isLocale(locale) ? locale : "en" };
}
