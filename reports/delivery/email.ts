import nodemailer from 'nodemailer';

/**
 * E-mail delivery through an SMTP relay (nodemailer): the HTML report as the body, the PDF (and JSON)
 * attached. The Message-ID is derived from the delivery id, so a retry after an unclear failure
 * carries the same id and mail systems and readers can recognise the repeat.
 */

export interface SmtpConfig {
  /** smtp://user:pass@host:port or smtps://…; RINGLENS_SMTP_URL */
  url: string;
  from: string;
}

export interface MailContent {
  to: string[];
  subject: string;
  html: Buffer;
  attachments: { filename: string; content: Buffer; contentType: string }[];
  deliveryId: string;
}

export async function sendReportMail(smtp: SmtpConfig, mail: MailContent): Promise<string> {
  const transport = nodemailer.createTransport(smtp.url);
  try {
    const info = await transport.sendMail({
      from: smtp.from,
      to: mail.to,
      subject: mail.subject,
      html: mail.html.toString('utf8'),
      attachments: mail.attachments,
      messageId: `<${mail.deliveryId.replace(/[^A-Za-z0-9.-]/g, '_')}@ringlens>`,
      headers: { 'X-RingLens-Delivery': mail.deliveryId },
    });
    return String(info.response ?? 'sent');
  } finally {
    transport.close();
  }
}
