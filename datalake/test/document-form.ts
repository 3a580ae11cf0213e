/** Test fixture: the multipart body of a binary upload — a DocumentReference for `patientId` and its PDF content. */
export function documentForm(
  patientId: string,
  content: Buffer | string,
  title = 'scan',
  fileName = 'scan.pdf',
): FormData {
  const form = new FormData();
  form.append(
    'documentReference',
    JSON.stringify({
      resourceType: 'DocumentReference',
      status: 'current',
      subject: { reference: `Patient/${patientId}` },
      content: [{ attachment: { contentType: 'application/pdf', title } }],
    }),
  );
  form.append('content', new Blob([content], { type: 'application/pdf' }), fileName);
  return form;
}
