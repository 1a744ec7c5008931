import "server-only";
import { getLocale } from "next-intl/server";
import { isLocale, type Locale } from "@/lib/i18n/locale";
import type { Role } from "@/lib/db/schema";
import { requirePageSession } from "./session";

/** The workspace, role and language of a server-rendered studio page (redirects to /login without a session). */
export async function pageContext(): Promise<{ workspaceId: string; locale: Locale; role: Role }> {
  const [principal, locale] = await Promise.all([requirePageSession(), getLocale()]);
  return { workspaceId: principal.workspaceId, role: principal.role, locale: isLocale(locale) ? locale : "en" };
}
