"use client";

import { useCallback, useEffect, useState } from "react";
import { useFormatter, useTranslations } from "next-intl";
import { roles, type Member, type Role } from "@/lib/client/accounts";
import { callApi } from "@/lib/client/api";
import { useMe } from "../use-me";
import { InvitesPanel } from "./invites-panel";

/**
 * Everyone in the workspace with their role. Owners change roles, remove people and invite;
 * the server refuses to leave the workspace without an owner (409 last_owner), shown inline.
 */
export function MembersManager() {
  const t = useTranslations("members");
  const ta = useTranslations("auth");
  const format = useFormatter();
  const { me, error: meError } = useMe();
  const [members, setMembers] = useState<Member[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(async () => {
    const res = await callApi<{ members: Member[] }>("/api/v1/members");
    if (res.data) setMembers(res.data.members);
    else setError(res.error);
  }, []);
  useEffect(() => {
    load();
  }, [load]);

  async function changeRole(member: Member, role: Role) {
    const self = member.userId === me?.user.id;
    if (self && role !== "owner" && !window.confirm(t("confirmDemoteSelf"))) return;
    setBusy(member.userId);
    setError(null);
    const res = await callApi(`/api/v1/members/${member.userId}`, { method: "PATCH", json: { role } });
    if (!res.ok) setError(res.error);
    // Stepping down hides the owner's controls: load the page again as the new role.
    else if (self) return window.location.reload();
    await load();
    setBusy(null);
  }

  async function remove(member: Member) {
    const self = member.userId === me?.user.id;
    if (!window.confirm(self ? t("confirmLeave") : t("confirmRemove", { name: member.name, email: member.email }))) return;
    setBusy(member.userId);
    setError(null);
    const res = await callApi(`/api/v1/members/${member.userId}`, { method: "DELETE" });
    if (!res.ok) setError(res.error);
    else if (self) return window.location.assign("/login");
    await load();
    setBusy(null);
  }

  const isOwner = me?.user.role === "owner";
  return (
    <>
      {meError ? <p className="error">{meError}</p> : null}
      {me && !isOwner ? (
        <p className="notice" data-testid="owner-only">
          {t("ownerOnly")}
        </p>
      ) : null}
      {error ? (
        <p className="error" role="alert" data-testid="members-error">
          {error}
        </p>
      ) : null}
      {members ? (
        <table className="kb-table accounts-table" data-testid="members-table">
          <thead>
            <tr>
              <th>{t("name")}</th>
              <th>{t("email")}</th>
              <th>{t("role")}</th>
              <th>{t("joined")}</th>
              {isOwner ? <th className="kb-actions">{t("actions")}</th> : null}
            </tr>
          </thead>
          <tbody>
            {members.map((member) => {
              const self = member.userId === me?.user.id;
              return (
                <tr key={member.userId} data-testid="member-row" data-email={member.email}>
                  <td>
                    {member.name} {self ? <span className="tag accent">{t("you")}</span> : null}
                  </td>
                  <td>{member.email}</td>
                  <td>
                    {isOwner ? (
                      <select
                        aria-label={t("roleOf", { name: member.name })}
                        value={member.role}
                        disabled={busy === member.userId}
                        onChange={(e) => changeRole(member, e.target.value as Role)}
                        data-testid="member-role"
                      >
                        {roles.map((role) => (
                          <option key={role} value={role}>
                            {ta(`roles.${role}`)}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <span className="tag">{ta(`roles.${member.role}`)}</span>
                    )}
                  </td>
                  <td className="muted small">{format.dateTime(new Date(member.createdAt), { dateStyle: "medium" })}</td>
                  {isOwner ? (
                    <td className="kb-actions">
                      <button type="button" className="ghost danger" disabled={busy === member.userId} onClick={() => remove(member)} data-testid="member-remove">
                        {self ? t("leave") : t("remove")}
                      </button>
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : (
        <p className="muted">{ta("loading")}</p>
      )}
      {isOwner ? <InvitesPanel /> : null}
    </>
  );
}
