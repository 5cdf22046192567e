/*
 * Strata starter rules: HTML smuggling. An HTML attachment (or body) that carries a file inside
 * itself and makes the browser save it, so the file never crosses the mail gateway as an
 * attachment: script that decodes a blob (atob, fromCharCode, Uint8Array) and saves it
 * (msSaveOrOpenBlob, or createObjectURL plus a download link), or a base64 data: URI of an
 * archive, executable or document offered for download.
 */

rule Strata_HTML_Smuggling_Blob
{
    meta:
        description = "HTML whose script assembles a file and hands it to the browser as a download (HTML smuggling)"
        score = 75
        severity = "high"

    strings:
        $script = "<script" nocase
        $blob = /new[ \t\r\n]+Blob[ \t\r\n]*\(/
        $decode_atob = /atob[ \t\r\n]*\(/
        $decode_charcode = /fromCharCode[ \t\r\n]*\(/
        $decode_bytes = /Uint8Array[ \t\r\n]*\(/
        $save_ms = "msSaveOrOpenBlob"
        $save_ms_old = "msSaveBlob"
        $object_url = /createObjectURL[ \t\r\n]*\(/
        $download_property = /\.download[ \t\r\n]*=/
        $download_attribute = /setAttribute[ \t\r\n]*\([ \t\r\n]*["']download["']/

    condition:
        $script and $blob and any of ($decode_*) and
        (any of ($save_*) or ($object_url and any of ($download_*)))
}

rule Strata_HTML_Smuggling_Data_URI
{
    meta:
        description = "HTML that embeds an archive, program or document as a base64 data: URI and offers it as a download"
        score = 65
        severity = "high"

    strings:
        $data_uri = /data:(application\/(octet-stream|zip|x-zip-compressed|x-rar-compressed|x-7z-compressed|x-msdownload|x-msdos-program|x-iso9660-image|java-archive|hta|vnd\.ms-[a-z.-]+|vnd\.openxmlformats-[a-z.-]+)|image\/svg\+xml|text\/html);base64,[A-Za-z0-9+\/]{100}/ nocase
        $download_attribute = /download[ \t\r\n]*=[ \t\r\n]*["']?[^"'>\s]{1,100}\.(zip|rar|7z|iso|img|vhd|exe|scr|msi|js|jse|vbs|hta|lnk|docm|xlsm|pptm|one|html?)["'>\s]/ nocase
        $download_property = /\.download[ \t\r\n]*=/
        $script = "<script" nocase
        $decode_atob = /atob[ \t\r\n]*\(/
        $decode_charcode = /fromCharCode[ \t\r\n]*\(/
        $navigate = /(location(\.href)?|window\.open)[ \t\r\n]*[=(][ \t\r\n]*["']data:/

    condition:
        $data_uri and
        ($download_attribute or $download_property or ($script and ($decode_atob or $decode_charcode or $navigate)))
        and not Strata_HTML_Smuggling_Blob
}
