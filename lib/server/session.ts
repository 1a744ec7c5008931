import "server-only";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/lib/db";
import { setupRequired as setupRequiredIn } from "./accounts";
import { principalFromSessionToken, SESSION_COOKIE, type Principal } from "./auth";

/**
 * The session of a server-rendered page (the page-side twin of route()'s authentication),
 * looked up once per request.
 */
export const currentPrincipal = cache(async (): Promise<Principal | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  return principalFromSessionToken(token);
});

/** True while the owner account has not been created yet (the login page then sends people to /setup). */
export async function setupRequired(): Promise<boolean> {
  return setupRequiredIn(await getDb());
}

/**
 * The logged-in person of a studio page, or a redirect to /login (back here afterwards). An API
 * key is not a page session.
 */
export async function requirePageSession(): Promise<Principal & { user: NonNullable<Principal["user"]> }> {
  const principal = await currentPrincipal();
  if (principal?.user) return principal as Principal & { user: NonNullable<Principal["user"]> };
  const path = (await headers()).get("x-trellis-path");
  redirect(path && path.startsWith("/") && !path.startsWith("//") ? `/login?next=${encodeURIComponent(path)}` : "/login");
}
