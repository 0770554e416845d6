import sys, zipfile, io
mode=sys.argv[1]; b=io.BytesIO()
def xlsx(z, sheet, styles):
    z.writestr('[Content_Types].xml','<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')
    z.writestr('_rels/.rels','<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    z.writestr('xl/workbook.xml','<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
    z.writestr('xl/_rels/workbook.xml.rels','<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>')
    z.writestr('xl/styles.xml',styles)
    z.writestr('xl/worksheets/sheet1.xml',sheet)
ST='<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="00000 000000"/><numFmt numFmtId="165" formatCode="&quot;HID-&quot;0"/></numFmts><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="3"><xf/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="165" applyNumberFormat="1"/></cellXfs></styleSheet>'
with zipfile.ZipFile(b,'w',zipfile.ZIP_DEFLATED) as z:
    if mode=='numfmt':
        xlsx(z,'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" s="1"><v>7700900123</v></c><c r="B1" s="2"><v>1</v></c></row></sheetData></worksheet>',ST)
    elif mode=='formula':
        xlsx(z,'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="str"><f>"HI"&amp;"D-1 Gideon "&amp;"Marsh"</f></c></row></sheetData></worksheet>',ST)
    elif mode=='zipinzip':
        inner=io.BytesIO()
        with zipfile.ZipFile(inner,'w',zipfile.ZIP_DEFLATED) as zi: zi.writestr('word/document.xml','<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>See HID-1 by Gideon Marsh 07700 900123</w:t></w:r></w:p></w:body></w:document>')
        z.writestr('word/document.xml','<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>Embedded.</w:t></w:r></w:p></w:body></w:document>')
        z.writestr('word/embeddings/Microsoft_Word_Document.docx',inner.getvalue())
    elif mode=='zipinzip-stored':
        inner=io.BytesIO()
        with zipfile.ZipFile(inner,'w',zipfile.ZIP_DEFLATED) as zi: zi.writestr('word/document.xml','<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>See HID-1 by Gideon Marsh 07700 900123</w:t></w:r></w:p></w:body></w:document>')
        z.writestr('word/document.xml','<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>Embedded.</w:t></w:r></w:p></w:body></w:document>')
        z.writestr(zipfile.ZipInfo('word/embeddings/oleObject1.docx'),inner.getvalue(),compress_type=zipfile.ZIP_STORED)
    elif mode=='docx-split':
        z.writestr('word/document.xml','<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>See HI</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>zz</w:t></w:r><w:r><w:t>D-1</w:t></w:r></w:p></w:body></w:document>')
    elif mode=='docx-instr':
        z.writestr('word/document.xml','<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>See </w:t></w:r><w:r><w:instrText>HYPERLINK "x"</w:instrText></w:r><w:r><w:t>HI</w:t></w:r><w:r><w:delText>zz</w:delText></w:r><w:r><w:t>D-1</w:t></w:r></w:p></w:body></w:document>')
sys.stdout.buffer.write(b.getvalue())
