import sys, zlib
def pdf(content_obj_dict, stream):
    objs=[b'<</Type/Catalog/Pages 2 0 R>>', b'<</Type/Pages/Kids[3 0 R]/Count 1>>',
      b'<</Type/Page/Parent 2 0 R/MediaBox[0 0 400 200]/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>',
      b'<<'+content_obj_dict+b'/Length '+str(len(stream)).encode()+b'>>stream\n'+stream+b'\nendstream',
      b'<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>']
    out=b'%PDF-1.7\n%\xe2\xe3\xcf\xd3\n'; offs=[]
    for i,o in enumerate(objs):
        offs.append(len(out)); out+=b'%d 0 obj\n'%(i+1)+o+b'\nendobj\n'
    x=len(out); out+=b'xref\n0 %d\n0000000000 65535 f \n'%(len(objs)+1)
    for o in offs: out+=b'%010d 00000 n \n'%o
    out+=b'trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n'%(len(objs)+1,x)
    return out
text=b'BT /F1 18 Tf 20 100 Td (See HID-1 by Gideon Marsh 07700 900123) Tj ET'
mode=sys.argv[1]
if mode=='plain': o=pdf(b'',text)
elif mode=='ahx': o=pdf(b'/Filter/ASCIIHexDecode',text.hex().encode()+b'>')
elif mode=='hashname': o=pdf(b'/Filter/Flate#44ecode',zlib.compress(text))
elif mode=='double': o=pdf(b'/Filter[/FlateDecode/FlateDecode]',zlib.compress(zlib.compress(text)))
elif mode=='ahxflate': o=pdf(b'/Filter[/ASCIIHexDecode/FlateDecode]',zlib.compress(text).hex().encode()+b'>')
elif mode=='pred':
    row=bytes([text[0]])+bytes((text[i]-text[i-1])&255 for i in range(1,len(text)))
    o=pdf(b'/Filter/FlateDecode/DecodeParms<</Predictor 11/Columns %d>>'%len(text),zlib.compress(b'\x01'+row))
elif mode=='rawdeflate':
    c=zlib.compressobj(9,zlib.DEFLATED,-15); o=pdf(b'/Filter/FlateDecode',c.compress(text)+c.flush())
elif mode=='indirect':
    o=pdf(b'/Filter 6 0 R',zlib.compress(text)); o=o.replace(b'xref',b'6 0 obj\n/FlateDecode\nendobj\nxref',1)
elif mode=='fl': o=pdf(b'/Filter/Fl',zlib.compress(text))
sys.stdout.buffer.write(o)
