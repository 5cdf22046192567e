import { makeSubject } from '../../support/subject';
import { finding, ids, scanShipped, withAttachment } from './helpers';
import { DOCX_WITHOUT_MACROS, EICAR, EICAR_ALTERED, HTML, OFFICE, PDF, docm } from './samples';

/** Every shipped rule: a synthetic sample that matches and a near miss that must not. */

describe('eicar.yar', () => {
  it('Strata_EICAR_Test_File: the test file, at high severity', () => {
    const output = scanShipped(withAttachment('eicar.com', EICAR));
    expect(output.findings).toEqual([
      expect.objectContaining({ id: 'yara.strata_eicar_test_file', severity: 'high', score: 80, evidence: ['Strata_EICAR_Test_File in attachment "eicar.com": $eicar'] }),
    ]);
    expect(output.iocs?.sha256).toEqual(['275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f']);
  });

  it('near miss: one letter changed', () => {
    expect(scanShipped(withAttachment('eicar.com', EICAR_ALTERED)).findings).toEqual([]);
  });
});

describe('pdf.yar', () => {
  it('Strata_PDF_JavaScript_On_Open: OpenAction running JavaScript, and document-level scripts', () => {
    for (const sample of [PDF.openActionJavaScript, PDF.documentLevelJavaScript]) {
      const output = scanShipped(withAttachment('invoice.pdf', sample));
      expect(ids(output)).toEqual(['yara.strata_pdf_javascript_on_open']);
      expect(finding(output, 'yara.strata_pdf_javascript_on_open')).toMatchObject({ severity: 'high', score: 65 });
    }
  });

  it('Strata_PDF_JavaScript: scripts of form fields, and hex-escaped names', () => {
    for (const sample of [PDF.formFieldJavaScript, PDF.escapedJavaScriptName]) {
      const output = scanShipped(withAttachment('form.pdf', sample));
      expect(ids(output)).toEqual(['yara.strata_pdf_javascript']);
      expect(finding(output, 'yara.strata_pdf_javascript')).toMatchObject({ severity: 'medium', score: 35 });
    }
  });

  it('near miss: an OpenAction to a page and the word JavaScript in the text', () => {
    expect(scanShipped(withAttachment('book.pdf', PDF.openActionToPage)).findings).toEqual([]);
  });

  it('near miss: PDF names outside a PDF file', () => {
    const text = 'To debug, look for /OpenAction << /S /JavaScript /JS (...) >> in the file.';
    expect(scanShipped(makeSubject({ text })).findings).toEqual([]);
  });
});

describe('html_smuggling.yar', () => {
  it('Strata_HTML_Smuggling_Blob: decoded blob saved with msSaveOrOpenBlob or a download link', () => {
    for (const html of [HTML.blobSmuggling, HTML.charCodeSmuggling]) {
      const output = scanShipped(withAttachment('Remittance.html', Buffer.from(html)));
      expect(ids(output)).toEqual(['yara.strata_html_smuggling_blob']);
      expect(finding(output, 'yara.strata_html_smuggling_blob')).toMatchObject({ severity: 'high', score: 75 });
    }
  });

  it('Strata_HTML_Smuggling_Data_URI: an embedded archive offered for download, or opened by script', () => {
    for (const html of [HTML.dataUriDownload, HTML.dataUriNavigate]) {
      const output = scanShipped(withAttachment('Remittance.html', Buffer.from(html)));
      expect(ids(output)).toEqual(['yara.strata_html_smuggling_data_uri']);
    }
  });

  it('also fires in an HTML body', () => {
    const output = scanShipped(makeSubject({ html: HTML.dataUriDownload }));
    expect(finding(output, 'yara.strata_html_smuggling_data_uri')?.evidence[0]).toMatch(/^Strata_HTML_Smuggling_Data_URI in body-html: /);
  });

  it('near misses: a page exporting its own data, inline images, and text about the technique', () => {
    expect(scanShipped(withAttachment('report.html', Buffer.from(HTML.csvExport))).findings).toEqual([]);
    expect(scanShipped(makeSubject({ html: HTML.inlineImages, text: 'HTML smuggling: atob(), new Blob(), msSaveOrOpenBlob' })).findings).toEqual([]);
  });
});

describe('html_obfuscation.yar', () => {
  it('Strata_HTML_Script_Writes_Encoded_Page: document.write(unescape(…)) and eval(atob(…))', () => {
    for (const html of [HTML.encodedPage, HTML.evalAtob]) {
      const output = scanShipped(withAttachment('Payment confirmation.html', Buffer.from(html)));
      expect(ids(output)).toEqual(['yara.strata_html_script_writes_encoded_page']);
      expect(finding(output, 'yara.strata_html_script_writes_encoded_page')).toMatchObject({ severity: 'high', score: 60 });
    }
  });

  it('near misses: script writing plain markup, and the idiom quoted in a text body', () => {
    expect(scanShipped(withAttachment('page.html', Buffer.from(HTML.plainWrite))).findings).toEqual([]);
    expect(scanShipped(makeSubject({ text: 'Phishing pages often call document.write(unescape("%3C...")).' })).findings).toEqual([]);
  });
});

describe('office_macro.yar', () => {
  it('Strata_Office_Macro_AutoExec_Shell: an auto-run macro that can start programs', () => {
    const output = scanShipped(withAttachment('invoice.doc', OFFICE.autoExecShell));
    expect(ids(output)).toEqual(['yara.strata_office_macro_autoexec_shell']);
    expect(finding(output, 'yara.strata_office_macro_autoexec_shell')).toMatchObject({ severity: 'high', score: 75 });
    expect(finding(output, 'yara.strata_office_macro_autoexec_shell')?.evidence[0]).toMatch(/\$document_open.*\$exec_shell|\$exec_shell.*\$document_open/);
  });

  it('Strata_Office_Macro_AutoExec: an auto-run macro without program starts', () => {
    const output = scanShipped(withAttachment('budget.xls', OFFICE.autoExecOnly));
    expect(ids(output)).toEqual(['yara.strata_office_macro_autoexec']);
    expect(finding(output, 'yara.strata_office_macro_autoexec')).toMatchObject({ severity: 'medium', score: 50 });
  });

  it('finds the macro inside a .docm through its vbaProject.bin member, next to the OOXML marker', () => {
    const output = scanShipped(withAttachment('contract.docm', docm(OFFICE.autoExecShell)));
    expect(ids(output)).toEqual(['yara.strata_office_macro_autoexec_shell', 'yara.strata_office_ooxml_with_macros']);
    expect(finding(output, 'yara.strata_office_macro_autoexec_shell')?.evidence[0]).toMatch(/^Strata_Office_Macro_AutoExec_Shell in attachment "contract\.docm" member "word\/vbaProject\.bin": /);
    expect(finding(output, 'yara.strata_office_ooxml_with_macros')).toMatchObject({ severity: 'low', score: 20 });
  });

  it('Strata_Office_OOXML_With_Macros alone for a macro project without auto-run', () => {
    expect(ids(scanShipped(withAttachment('tools.xlsm', docm(OFFICE.macroWithoutAutoExec))))).toEqual(['yara.strata_office_ooxml_with_macros']);
  });

  it('Strata_Office_Encrypted_Document: a password-protected Office file', () => {
    const output = scanShipped(withAttachment('salary.docx', OFFICE.encrypted));
    expect(ids(output)).toEqual(['yara.strata_office_encrypted_document']);
    expect(finding(output, 'yara.strata_office_encrypted_document')).toMatchObject({ severity: 'medium', score: 30 });
  });

  it('near misses: macros without auto-run, a document about macros, plain OLE and a .docx', () => {
    for (const [name, sample] of [
      ['tools.xls', OFFICE.macroWithoutAutoExec],
      ['notes.doc', OFFICE.documentAboutMacros],
      ['plain.doc', OFFICE.plainOle],
      ['report.docx', DOCX_WITHOUT_MACROS],
    ] as const) {
      expect({ name, findings: scanShipped(withAttachment(name, sample)).findings }).toEqual({ name, findings: [] });
    }
  });
});

describe('shipped rules on ordinary mail', () => {
  it('raise nothing on a plain message', () => {
    expect(scanShipped(makeSubject({ html: '<p>Lunch on <b>Thursday</b>?</p>' }))).toEqual({ score: 0, findings: [], iocs: { sha256: [] } });
  });
});
