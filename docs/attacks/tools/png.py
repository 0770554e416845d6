import sys, zlib, struct
def ch(t,d): return struct.pack('>I',len(d))+t+d+struct.pack('>I',zlib.crc32(t+d)&0xffffffff)
ihdr=struct.pack('>IIBBBBB',1,1,8,0,0,0,0)
mode=sys.argv[1]; extra=b''
if mode=='iccp':
    prof=b'\0'*128+b'desc'+b'\0'*8+b'See HID-1 by Gideon Marsh 07700 900123'+b'\0'*20
    extra=ch(b'iCCP',b'Profile\0\0'+zlib.compress(prof))
elif mode=='ztxt': extra=ch(b'zTXt',b'Author\0\0'+zlib.compress(b'Gideon Marsh HID-1'))
elif mode=='itxt': extra=ch(b'iTXt',b'Author\0\1\0en\0\0'+zlib.compress('Gideon Marsh HID-1'.encode()))
elif mode=='ztxt-badcrc': extra=ch(b'zTXt',b'Author\0\0'+zlib.compress(b'Gideon Marsh HID-1')[:-4]+b'\0\0\0\0')
elif mode=='unk': extra=ch(b'teXt',b'Author\0'+zlib.compress(b'Gideon Marsh HID-1'))
elif mode=='idat2':  # a second chunk type carrying zlib text
    extra=ch(b'zTXt',b'Author\0\0'+zlib.compress(zlib.compress(b'Gideon Marsh HID-1')))
sys.stdout.buffer.write(b'\x89PNG\r\n\x1a\n'+ch(b'IHDR',ihdr)+extra+ch(b'IDAT',zlib.compress(b'\0\0'))+ch(b'IEND',b''))
