"""Word lists text mode reads: interface vocabulary and function words in many languages.

These are generic vocabularies (what a site's chrome is made of, what running prose is made of), not
phrases of any one site. All are lower case; lines are lower-cased and stripped of punctuation before
they are compared, so an entry is one word.
"""
from __future__ import annotations

from ..metadata.language import STOPWORDS as LANGUAGE_STOPWORDS

# Words of site chrome: sign-ups, sharing, navigation, consent, account, commerce, media players.
_UI = """
about account accept ad ads advert advertisement advertise advertising agree all app apps archive archives
article articles back blog bookmark browse browser buy cart categories category checkout click close
comment comments conditions consent contact continue cookie cookies copyright cart download edit
email emails enable enter facebook faq feed feedback follow followers footer forgot free gallery help home
inbox instagram javascript join jobs like likes linkedin load loading log login logout loading menu min more
most navigation newsletter newsletters next notifications now offer options password permalink photo
photos pinterest player playing please podcast policy popular post posted posts prev previous print privacy
profile rated read register registration related reply reserved rights rss save search see settings share
shares shop show sign signed signup site sitemap skip sponsored store submit subscribe subscriber
subscription subscriptions support tags terms thank thanks toggle top trending tweet twitter unsubscribe
updates valid video videos view views watch whatsapp youtube reddit tumblr sharing shared
wishlist basket telegram viber vk
anmelden abmelden abonnieren abonnement artikel datenschutz datenschutzerklärung impressum kommentar
kommentare kontakt mehr menü newsletter passwort registrieren suche teilen warenkorb weiterlesen zurück
startseite nutzungsbedingungen einwilligung alle anzeige werbung drucken versand merkzettel
accueil abonner abonnez abonnement commentaire commentaires connexion contact contactez données
inscription inscrire lire mentions légales partager plus politique rechercher recherche suivant précédent
publicité panier confidentialité newsletter connecter télécharger
acceder aceptar anterior buscar carrito comentario comentarios compartir contacto contraseña cookies
descargar entrar inicio leer más newsletter política privacidad publicidad registrarse registro siguiente
suscríbete suscribirse términos aviso
accedi cerca commenti condividi contatti iscriviti leggi privacy pubblicità registrati successivo
precedente carrello
aceitar assine buscar comentários compartilhar entrar inscreva leia mais página próximo anterior
privacidade
aanmelden account delen inloggen lees meer nieuwsbrief reacties volgende vorige winkelwagen zoeken
komentarze logowanie następny poprzedni prywatności rejestracja szukaj udostępnij więcej zaloguj
войти войдите вход зарегистрироваться регистрация комментарии поделиться подписаться поиск далее
читать назад главная реклама
recommended topics tagged latest headlines listen premium unlock mail
verwandte themen schlagworte schlagwörter empfehlungen meistgelesen meistgelesene bildergalerie merken
herunterladen anmeldung einloggen registrierung abo akzeptieren ablehnen einstellungen
similaires associés étiquettes sujets populaires abonnés accepter refuser paramètres identifier vidéo
vidéos abonner
relacionados relacionadas relacionado etiquetas temas lea léase mira vea véase recomendados suscríbase
suscribete regístrate sesión boletín anuncio vídeo galería síguenos rechazar configuración ajustes comparte
veja assinar assinante cadastre cadastro publicidade anúncio galeria siga boletim rejeitar configurações
correlati correlate vedi tag argomenti abbonati abbonamento galleria seguici consigliati accetta rifiuta
impostazioni
gerelateerd gerelateerde bekijk onderwerpen abonneer registreren advertentie volg aanbevolen accepteren
weigeren instellingen
powiązane czytaj zobacz tagi tematy subskrybuj zarejestruj reklama wideo obserwuj polecane akceptuję
ustawienia
похожие читайте смотрите теги темы подписка подпишитесь зарегистрируйтесь видео фото галерея рекомендуем
принять настройки
läs relaterade dela prenumerera logga annons kommentarer sök meny integritetspolicy kakor
læs relaterede relaterte abonner annonse annonce søg søk personvern privatlivspolitik
lue jaa tilaa kirjaudu mainos kommentit haku evästeet
sdílet zdieľať přihlásit prihlásiť registrace reklama komentáře komentáre hledat hľadať související
súvisiace přečtěte čítajte štítky
paylaş kayıt reklam yorumlar yorum etiketler abone çerez çerezler gizlilik
megosztás bejelentkezés regisztráció hirdetés hozzászólások keresés kapcsolódó címkék feliratkozás sütik
adatvédelmi
distribuie autentificare înregistrare publicitate comentarii căutare citește etichete abonează abonare
confidențialitate
bagikan iklan komentar baca terkait berlangganan privasi
κοινοποίηση σύνδεση εγγραφή διαφήμιση σχόλια αναζήτηση διαβάστε ετικέτες εγγραφείτε απόρρητο
поділитися увійти реєстрація коментарі пошук підписатися головна
تسجيل الدخول تعليقات التعليقات اقرأ اشترك الخصوصية الرئيسية
שתף התחבר הרשמה פרסומת תגובות חיפוש קראו תגיות הירשם פרטיות
शेयर लॉगिन विज्ञापन टिप्पणियाँ खोजें पढ़ें सब्सक्राइब
""".split()
UI_WORDS: frozenset[str] = frozenset(_UI)

# Function words: their share tells running prose from labels and menus, in any of these languages.
_STOP = """
a about after all also an and are as at be been but by can could did do does for from had has have he her
him his how i if in into is it its just may me more my no not of on one only or our out over she so some
than that the their them then there these they this those to up us was we were what when where which
while who will with would you your
aber als am an auch auf aus bei bis da das dass dem den der des die doch ein eine einem einen einer es
für hat ich im in ist kann mit nach nicht noch nur oder sich sie sind so über um und uns von vor war
werden wie wir wird zu zum zur
au aux avec ce ces cette dans de des du elle en est et il ils je la le les leur mais ne nous on ou par
pas pour qu que qui sa se ses son sont sur un une vous été être
al como con del el en es esta este hay la las lo los más para pero por que se sin su sus una y ya
che come con da dei della delle di gli il in la le non nel per più sono una
ao as com da das de do dos em na nas no nos os para pela pelo que se um uma é não
aan als bij de dat die een en het hij in is met niet om op te van voor was wat ze zijn
do i jak jest na nie od się są to w z za że
в и на не что с по как это он она они но из за к у же то от для о
och att det en som är på med för av den till har inte
και το να η ο της του τα με σε που για είναι την των δεν θα από στο στην
של את על עם זה לא הוא היא גם כי אבל או אם יש
के में की है और से को का पर यह कि भी एक हैं था लिए नहीं
""".split()
# ... and the function words the language detector knows (about 30 more languages).
STOP_WORDS: frozenset[str] = frozenset(_STOP).union(*(v.split() for v in LANGUAGE_STOPWORDS.values()))

# Interface phrases of scripts written without spaces (CJK): matched as substrings of short lines.
CJK_UI = ("登录", "注册", "分享", "评论", "首页", "搜索", "订阅", "版权", "隐私", "下载", "返回", "更多",
          "ログイン", "登録", "シェア", "コメント", "ホーム", "検索", "購読", "著作権", "プライバシー",
          "로그인", "회원가입", "공유", "댓글", "검색", "구독", "저작권", "개인정보")

# Nouns that name a writer's job: "X is a staff writer", "X is the paper's correspondent in ...".
BIO_ROLES: frozenset[str] = frozenset("""
correspondent reporter writer editor columnist journalist author contributor critic producer photographer
blogger analyst fellow professor researcher anchor host commentator freelancer freelance novelist
""".split())

# Headings of an "about" box that describes a person or the site ("About Jane Doe", "Über Moritz Bachmann",
# "Sobre Carlos Nadalim", "À propos de ..."), and headings of an author box ("About the author").
ABOUT_WORDS: tuple[str, ...] = ("about", "über", "sobre", "à propos de", "a propos de", "acerca de",
                                "informazioni su", "over", "om")
ABOUT_AUTHOR: tuple[str, ...] = (
    "about the author", "about the authors", "über den autor", "über die autorin", "über die autoren",
    "sobre o autor", "sobre a autora", "sobre el autor", "sobre la autora", "à propos de l'auteur",
    "a propos de l'auteur", "l'autore", "over de auteur", "om forfatteren", "om författaren", "o autorze",
    "об авторе", "yazar hakkında",
)

# Verbs that close a comment's header line ("Jane on May 3, 2019 at 4:47 pm said:", "Rishil says:"), in
# the languages of the stop-word lists: the forms blog and forum software write.
COMMENT_VERBS: tuple[str, ...] = (
    "says", "said", "wrote", "writes", "replied", "replies", "commented", "comments",
    "sagt", "sagte", "schrieb", "schreibt", "meint", "meinte", "antwortete",
    "dit", "a dit", "écrit", "a écrit", "répond", "a répondu",
    "dice", "dijo", "escribió", "escribe", "respondió", "diz", "disse", "escreveu", "respondeu",
    "scrive", "ha scritto", "ha detto", "risponde",
    "zegt", "schreef", "schrijft", "zei", "skriver", "skrev", "sier", "sa", "säger", "sagde", "siger",
    "napisał", "napisała", "pisze", "kirjoitti", "sanoo", "yazdı", "dedi", "napsal", "napsala",
    "пишет", "написал", "написала", "говорит", "пише", "написав",
)

# Words that, at a line's end in parentheses or after "Photo:", mark a media credit.
CREDIT_WORDS: frozenset[str] = frozenset("""
photo photos image images video credit credits getty reuters ap afp epa shutterstock istock file
illustration graphic courtesy foto bild
""".split())

# Words of reader comments: reply buttons, "X says:" / "X wrote:" headers, vote counters, in many languages.
# A line made of them (or sitting among such lines) belongs to a comment thread, even when the lines around
# it are well-formed prose.
_COMMENT = """
reply replies replied respond responses response commenter commenters upvote downvote votes points quote
quoted report flag moderator moderated wrote says said writes thread commented
antworten antwort schrieb sagt kommentieren melden zitieren
répondre réponse réponses signaler écrit
responder respuesta respuestas responde escribió denunciar
rispondi risposta risposte scritto segnala
resposta respostas escreveu denunciar
reageer reageren antwoord schreef
odpowiedz odpowiedź odpowiedzi napisał napisała zgłoś
ответить ответ ответы написал написала пожаловаться
svara svar skrev
besvar svar skrev vastaa kirjoitti odpovědět odpovedať napsal napísal yanıtla yanıt cevapla yazdı válasz
válaszol írta răspunde răspuns balas menulis απάντηση έγραψε відповісти написав השב
""".split()
COMMENT_WORDS: frozenset[str] = frozenset(_COMMENT)

# Words of timestamps ("2 days ago", "vor 3 Stunden", "il y a 2 heures", "hace 5 minutos", month names):
# comment headers and teaser datelines are made of them.
_TIME = """
ago minute minutes min mins hour hours hr hrs day days week weeks month months year years yesterday today
am pm gmt utc est edt pst pdt cet cest
january february march april june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
monday tuesday wednesday thursday friday saturday sunday
stunde stunden minuten tagen tage gestern heute uhr januar februar märz juni juli oktober dezember
heure heures jours jour hier janvier février mars avril juin juillet août septembre octobre novembre décembre
hora horas días dias minutos ayer hoy enero febrero marzo abril mayo junio julio agosto septiembre octubre
noviembre diciembre
ore giorni ieri oggi gennaio febbraio aprile maggio giugno luglio agosto settembre ottobre dicembre
ontem hoje janeiro fevereiro março maio junho julho setembro outubro dezembro
geleden uur dagen gisteren vandaag
godzin godziny godzinę dni wczoraj dzisiaj temu
назад часов часа час дней дня минут минуты вчера сегодня
sedan timmar timme dagar igår idag siden timer dage dager sitten tuntia päivää eilen
tänään před hodinami hodin dny včera dnes pred hodinou önce saat gün dakika dün bugün órája napja perce
tegnap urmă ore zile ieri azi lalu hari kemarin πριν ώρες ημέρες χθες σήμερα тому годин днів
вчора сьогодні
""".split()
TIME_WORDS: frozenset[str] = frozenset(_TIME)
