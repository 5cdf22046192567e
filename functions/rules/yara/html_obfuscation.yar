/*
 * Strata starter rule: HTML that hides its own content in an encoded string and writes or runs
 * it with script. Phishing pages sent as .html attachments do this so that mail filters read
 * nothing but a blob; ordinary web pages and mail have no reason to.
 */

rule Strata_HTML_Script_Writes_Encoded_Page
{
    meta:
        description = "HTML whose script writes or runs an encoded copy of its content (document.write or eval of unescape / atob / decodeURIComponent)"
        score = 60
        severity = "high"

    strings:
        $script = "<script" nocase
        $write_decoded = /(document\.write(ln)?|eval)[ \t\r\n]*\([ \t\r\n]*(window\.)?(unescape|atob|decodeURIComponent|decodeURI)[ \t\r\n]*\(/

    condition:
        $script and $write_decoded
}
