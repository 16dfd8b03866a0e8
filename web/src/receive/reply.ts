/**
 * "Reply securely": a recipient sends files and a message back to the
 * transfer's sender only. The link is the permission: the server grants a
 * token for one reply to that sender (no address check), and the reply is
 * sealed under a new password like any transfer.
 */
import type { PageData, TransferFacts } from "../config";
import { t } from "../i18n";
import { ServerError, requestReply } from "../server";
import { makeFlow } from "../send/flow";
import { newDraft } from "../send/model";
import { serverTrouble } from "../send/verify";
import { go, refresh } from "../ui/app";
import { actions, button, errorSummary, form, h1, p, textField, type FieldError } from "../ui/form";
import { isEmail } from "../validate";

export function replyStart(data: PageData, facts: TransferFacts): () => { title: string; body: Node[] } {
  let address = "";
  let errors: FieldError[] = [];
  let busy = false;
  const submit = async (): Promise<void> => {
    if (busy) return;
    errors = [];
    const v = address.trim();
    if (!v) errors.push({ field: "reply-address", message: t("verify.empty") });
    else if (!isEmail(v)) errors.push({ field: "reply-address", message: t("verify.invalid") });
    if (errors.length) return refresh();
    busy = true;
    try {
      const grant = await requestReply(facts.id, v);
      const draft = newDraft(data, "reply");
      Object.assign(draft, { from: grant.sender, token: grant.token, recipients: [grant.to], replyTo: facts.id });
      go(makeFlow(data, draft).afterVerify());
    } catch (e) {
      const notAllowed = e instanceof ServerError && (e.status === 403 || e.status === 404 || e.status === 410);
      errors = [{ field: "reply-address", message: notAllowed ? t("reply.notAllowed") : serverTrouble(e) }];
      refresh();
    } finally {
      busy = false;
    }
  };
  return () => {
    const { field } = textField({
      id: "reply-address",
      label: t("reply.addressLabel"),
      hint: t("reply.addressHint"),
      value: address,
      errors,
      type: "email",
      autocomplete: "email",
      spellcheck: false,
      onInput: (v) => (address = v),
    });
    return {
      title: errors.length ? `${t("common.errorPrefix")} ${t("reply.title")}` : t("reply.title"),
      body: [errorSummary(errors), h1(t("reply.title")), p(t("reply.intro", { address: facts.sender })), form(() => void submit(), field, actions(button(t("common.continue"), () => undefined, { kind: "primary", type: "submit" })))].filter(
        (n): n is HTMLElement => n !== null,
      ),
    };
  };
}
