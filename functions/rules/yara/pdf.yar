/*
 * Strata starter rules: JavaScript in PDF documents.
 * Raw-byte rules: they see names written in the file, including hex-escaped ones (/J#61vaScript),
 * but not objects packed inside compressed object streams (/ObjStm) or filtered streams.
 */

rule Strata_PDF_JavaScript_On_Open
{
    meta:
        description = "PDF document that runs JavaScript as soon as it is opened (OpenAction or document-level script)"
        score = 65
        severity = "high"

    strings:
        $pdf = "%PDF-"
        // /OpenAction << /S /JavaScript /JS (...) >> written inline
        $open_js = /\/OpenAction[ \t\r\n]*<<[^>]{0,256}\/(S[ \t\r\n]*\/JavaScript|JS[ \t\r\n]*[(<\[0-9])/
        // /Names << /JavaScript n 0 R >>: document-level scripts run when the document opens
        $names_js = /\/Names[ \t\r\n]*<<[^>]{0,256}\/JavaScript/

    condition:
        $pdf in (0..1024) and ($open_js or $names_js)
}

rule Strata_PDF_JavaScript
{
    meta:
        description = "PDF document that contains JavaScript"
        score = 35
        severity = "medium"

    strings:
        $pdf = "%PDF-"
        // /JavaScript with any letter possibly hex-escaped (/J#61vaScript is the same name)
        $js_name = /\/(J|#4[Aa])(a|#61)(v|#76)(a|#61)(S|#53)(c|#63)(r|#72)(i|#69)(p|#70)(t|#74)/
        // /JS followed by a string, hex string, array or indirect reference
        $js_key = /\/(J|#4[Aa])(S|#53)[ \t\r\n]*[(<\[0-9]/

    condition:
        $pdf in (0..1024) and ($js_name or $js_key) and not Strata_PDF_JavaScript_On_Open
}
